import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.js';

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'done'; data: T; reload: () => void };

/** GET a resource of the API for a page; `reload` fetches it again after a change. */
export function useLoad<T>(path: string | undefined, fetcher: (path: string) => Promise<T> = (p) => api<T>('GET', p)) {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const shownPath = useRef(path);
  useEffect(() => {
    if (!path) return;
    // another resource (a new period, another referral): no old answer under the new question; a reload keeps it
    if (shownPath.current !== path) {
      shownPath.current = path;
      setLoaded({ state: 'loading' });
    }
    let current = true;
    fetcher(path)
      .then((data) => current && setLoaded({ state: 'done', data, reload }))
      .catch((error: unknown) => {
        if (!current) return;
        setLoaded({ state: 'error', error: error instanceof ApiError ? error : new ApiError(0, 'network', undefined) });
      });
    return () => {
      current = false;
    };
    // the fetcher is a function of the path: a new closure on each render must not fetch again
  }, [path, round, reload]);
  return loaded;
}
