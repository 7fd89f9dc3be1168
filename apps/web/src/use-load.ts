import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from './api/api-fetch.js';

type Answer<T> = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'done'; data: T };

export type Loaded<T> = Answer<T> & {
  /** fetches again, keeping what is shown until the answer comes; resolves once it is shown */
  reload: () => Promise<void>;
};

/** GET a resource of the API for a page; `reload` fetches it again after a change. */
export function useLoad<T>(
  path: string | undefined,
  fetcher: (path: string) => Promise<T> = (p) => api<T>('GET', p),
): Loaded<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const waiting = useRef<Array<() => void>>([]);
  const reload = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        setRound((n) => n + 1);
      }),
    [],
  );
  const shownPath = useRef(path);
  useEffect(() => {
    if (!path) {
      for (const resolve of waiting.current.splice(0)) resolve();
      return;
    }
    // another resource (a new period, another referral): no old answer under the new question; a reload keeps it
    if (shownPath.current !== path) {
      shownPath.current = path;
      setAnswer({ state: 'loading' });
    }
    let current = true;
    const settle = (next: Answer<T>) => {
      if (!current) return;
      setAnswer(next);
      for (const resolve of waiting.current.splice(0)) resolve();
    };
    fetcher(path).then(
      (data) => settle({ state: 'done', data }),
      (error: unknown) =>
        settle({ state: 'error', error: error instanceof ApiError ? error : new ApiError(0, 'network', undefined) }),
    );
    return () => {
      current = false;
    };
    // the fetcher is a function of the path: a new closure on each render must not fetch again
  }, [path, round]);
  return useMemo(() => ({ ...answer, reload }), [answer, reload]);
}
