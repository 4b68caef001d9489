// A minimal observable: the SDK's parts talk through these instead of calling each other,
// so each collector can be created and tested alone.

export interface Observable<T> {
  subscribe(fn: (value: T) => void): () => void;
  notify(value: T): void;
}

export function createObservable<T>(): Observable<T> {
  let observers: Array<(value: T) => void> = [];
  return {
    subscribe(fn) {
      observers.push(fn);
      return () => {
        observers = observers.filter((o) => o !== fn);
      };
    },
    notify(value) {
      for (const o of observers.slice()) o(value);
    },
  };
}
