import { useEffect, useState } from 'react';

/**
 * Form state that survives a page reload (the issue: nothing is lost on a reload mid-form). Kept in sessionStorage:
 * this tab only, gone when the tab closes, and cleared at logout, since forms hold personnummer.
 */
const PREFIX = 'samtjanst.form.';

export function usePersistedState<T>(
  key: string,
  initial: T,
): [T, (value: T | ((previous: T) => T)) => void, () => void] {
  const storageKey = PREFIX + key;
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = window.sessionStorage.getItem(storageKey);
      return stored === null ? initial : (JSON.parse(stored) as T);
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // storage full or blocked: the form still works, it just does not survive a reload
    }
  }, [storageKey, value]);
  const clear = () => {
    window.sessionStorage.removeItem(storageKey);
    setValue(initial);
  };
  return [value, setValue, clear];
}

/** Forgets the given forms' state in this tab; a form still mounted keeps what it shows until it is mounted again. */
export function clearPersistedState(...keys: string[]): void {
  for (const key of keys) window.sessionStorage.removeItem(PREFIX + key);
}

export function clearPersistedForms(): void {
  for (const key of Object.keys(window.sessionStorage)) {
    if (key.startsWith(PREFIX)) window.sessionStorage.removeItem(key);
  }
}
