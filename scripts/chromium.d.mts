export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
export declare function launchWithProfile(
  chromium: import('@playwright/test').BrowserType,
  options: import('@playwright/test').LaunchOptions & import('@playwright/test').BrowserContextOptions & { profile?: string },
): Promise<{
  context: import('@playwright/test').BrowserContext;
  browser: import('@playwright/test').Browser;
  page: import('@playwright/test').Page;
  close: () => Promise<void>;
}>;
