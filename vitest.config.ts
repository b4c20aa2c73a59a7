import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 1_200_000,
    // e2e suites start real etcd / kube-apiserver processes on loopback: keep files apart
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
