export * from './deletions.js';
export * from './frames.js';
export * from './message-edits.js';
export * from './rest.js';
export * from './routes.js';
export * from './status-codes.js';
export * from './visitors.js';
