import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The engine tests run real ONNX sessions and sharp on two cores: keep files sequential.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
