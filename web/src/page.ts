// What the router hands a page: who is logged in, where to draw, the path's parts, and a
// signal that fires when the user leaves (listeners on `document` pass it, so they go away).
import type { Session } from './api';

export interface PageContext {
  session: Session;
  main: HTMLElement;
  params: string[];
  search: URLSearchParams;
  signal: AbortSignal;
  navigate: (to: string, replace?: boolean) => void;
}

export type Page = (context: PageContext) => Promise<void> | void;
