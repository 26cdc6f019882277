import { useEffect, useState } from 'react';

interface UrlsFor {
  files: readonly File[] | null;
  urls: readonly string[];
}

const NO_URLS: readonly string[] = [];

/**
 * One object URL per file ([files.length]), revoked when `files` changes or the
 * component unmounts. Empty until the effect has run and while `files` is null.
 * IMPORTANT: URLs are only returned for the `files` array they were made for,
 * so a render never shows URLs already revoked for a previous array.
 */
export function useObjectUrls(files: readonly File[] | null): readonly string[] {
  const [current, setCurrent] = useState<UrlsFor>({ files: null, urls: NO_URLS });
  useEffect(() => {
    if (!files) return;
    const urls = files.map((file) => URL.createObjectURL(file));
    setCurrent({ files, urls });
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [files]);
  return current.files === files && files !== null ? current.urls : NO_URLS;
}
