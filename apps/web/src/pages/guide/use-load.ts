import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api.js';

export type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'loaded'; value: T };

/** GET a path and keep the answer; `reload` fetches again without blanking what is shown. */
export function useLoad<T>(path: string | undefined): [Loaded<T>, () => Promise<void>] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const reload = useCallback(async () => {
    if (!path) return;
    try {
      setLoaded({ state: 'loaded', value: await api<T>('GET', path) });
    } catch (error) {
      setLoaded({ state: 'failed', error });
    }
  }, [path]);
  useEffect(() => {
    setLoaded({ state: 'loading' });
    void reload();
  }, [reload]);
  return [loaded, reload];
}
