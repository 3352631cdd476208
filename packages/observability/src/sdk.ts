/** Programmatic NodeSDK start (CommonJS apps, or ESM apps that prefer code to `--import`). */
export { startNodeSdk, type NodeSdkHandle, type NodeSdkOptions, type StartedSdk } from './tracing/node-sdk.js';
