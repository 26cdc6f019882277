/** Recorded in every exported model and checkpoint. Bump with package.json. */
export const APP_VERSION = '0.1.0';
