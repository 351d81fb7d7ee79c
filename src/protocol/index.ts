export * from './frames.js';
export * from './rest.js';
