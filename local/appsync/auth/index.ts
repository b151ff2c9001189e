// The local AppSync emulator's authentication and authorization, in one import.
export * from './config.ts';
export * from './errors.ts';
export * from './jwt.ts';
export * from './sigv4.ts';
export * from './authenticate.ts';
export * from './directives.ts';
