import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from './api/api-fetch.js';

type Answer<T> = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'done'; data: T };

const LOADING = { state: 'loading' } as const;

export type Loaded<T> = Answer<T> & {
  /** fetches again, keeping what is shown until the answer comes; resolves once it is shown */
  reload: () => Promise<void>;
};

/** GET a resource of the API for a page; `reload` fetches it again after a change. */
export function useLoad<T>(
  path: string | undefined,
  fetcher: (path: string) => Promise<T> = (p) => api<T>('GET', p),
): Loaded<T> {
  const [shown, setShown] = useState<{ path: string | undefined; answer: Answer<T> }>({ path, answer: LOADING });
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
  useEffect(() => {
    if (!path) {
      for (const resolve of waiting.current.splice(0)) resolve();
      return;
    }
    let current = true;
    const settle = (next: Answer<T>) => {
      if (!current) return;
      setShown({ path, answer: next });
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
  // another resource (a new period, another person): no old answer under the new question, not even for one
  // render; a reload keeps it
  const answer = shown.path === path ? shown.answer : LOADING;
  return useMemo(() => ({ ...answer, reload }), [answer, reload]);
}
