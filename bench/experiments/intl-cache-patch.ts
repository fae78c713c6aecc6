/**
 * Experiment only (never imported by run.ts): replaces Intl.DateTimeFormat with a constructor that
 * returns one cached formatter per (locales, options), to show what caching the formatter in
 * mappings/idoc/values.ts offsetMinutesOf would gain, without changing code outside bench/.
 */
const Original = Intl.DateTimeFormat;
const cache = new Map<string, Intl.DateTimeFormat>();

function CachedDateTimeFormat(locales?: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([locales ?? null, options ?? null]);
  let formatter = cache.get(key);
  if (formatter === undefined) {
    formatter = new Original(locales, options);
    cache.set(key, formatter);
  }
  return formatter;
}

Object.defineProperty(Intl, 'DateTimeFormat', { value: CachedDateTimeFormat, configurable: true, writable: true });

export const patched = true;
