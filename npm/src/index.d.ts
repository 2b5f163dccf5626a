/**
 * `@pulsegate/sdk`: PulseGate's browser SDK for single-page apps: first-party visitor tracking
 * with consent tiers, sessions across tabs, autocapture and SPA navigation, compiled from Rust to
 * WebAssembly. Safe to import during server-side rendering (every call is then a no-op).
 *
 * ```ts
 * import { init, track, identify } from "@pulsegate/sdk";
 *
 * await init({ siteKey: "demo", endpoint: "https://pulsegate.example" });
 * track("signup", { plan: "pro", seats: 3 });
 * identify("user-42", { plan: "pro" });
 * ```
 */

/** What the visitor allows: `count` (no identifiers stored), `analytics` or `marketing`. */
export type ConsentTier = "count" | "analytics" | "marketing";

/** A consent choice: a tier, or which of the optional purposes the visitor accepted. */
export type ConsentChoice = ConsentTier | { readonly analytics?: boolean; readonly marketing?: boolean };

/** A property value: scalars only (`undefined` values are skipped). Strings are cut to 1,024 bytes. */
export type PropValue = string | number | boolean | null | undefined;

/** Event properties or traits: a plain object of scalars (at most 32 keys are kept). */
export type Props = { readonly [key: string]: PropValue };

/** Hostnames or path globs: one comma-separated string, or a list. */
export type List = string | readonly string[];

/** Options for {@link init}. */
export interface InitOptions {
  /** The site's public key, as registered in PulseGate (`PUT /analytics/sites/{siteKey}`). */
  readonly siteKey: string;
  /**
   * Where the PulseGate worker runs: its origin, or an origin and path prefix when it is proxied
   * through your own site (`https://www.example.com/pg`).
   */
  readonly endpoint: string;
  /**
   * Capture pageviews (History API navigation included), clicks, rage clicks, scroll depth,
   * engagement, form interactions and errors automatically. Default `true`; `false` leaves only
   * the calls you make.
   */
  readonly autoTrack?: boolean;
  /**
   * The tier to start with before the visitor chooses: `"analytics"` (default), `"marketing"`,
   * `"count"`, or `"pending"` (count without storing anything until {@link consent}).
   */
  readonly consent?: ConsentTier | "pending";
  /** Honour Do Not Track (default `true`). Global Privacy Control is always honoured. */
  readonly respectDnt?: boolean;
  /** Hostnames to track on, e.g. `["shop.example", "*.shop.example"]` (default: any). */
  readonly domains?: List;
  /** Path globs whose pages are not tracked automatically, e.g. `["/admin/*", "/account/**"]`. */
  readonly excludePaths?: List;
  /** Query parameters removed from every URL, besides the built-in list (tokens, emails…). */
  readonly stripParams?: List;
  /** Keep `#/route` fragments, for hash-routed apps (default `false`). */
  readonly hashRouting?: boolean;
  /** Send when this many events wait (1 to 200, default 50). */
  readonly flushAt?: number;
  /** Send at the latest this many milliseconds after an event (250 to 60,000, default 5,000). */
  readonly flushInterval?: number;
  /** Log to the console why the tracker is off or why a call was ignored (default `false`). */
  readonly debug?: boolean;
}

/** Properties of a manual pageview. */
export interface PageProps {
  /** The page's URL (default: `location.href`). */
  readonly url?: string;
  /** The page's title (default: `document.title`). */
  readonly title?: string;
}

/**
 * Starts the tracker, once. Resolves to whether it runs: `false` outside a browser, without a
 * site key or endpoint, under Global Privacy Control or Do Not Track, after {@link optOut}, on a
 * host outside `domains`, or where the browser cannot run WebAssembly. Never rejects. Calls made
 * before it resolves (or before it is called) are kept and run in order.
 */
export function init(options: InitOptions): Promise<boolean>;

/** A custom event: `track("signup", { plan: "pro" })`. Names are cut to 128 bytes. */
export function track(name: string, props?: Props): void;

/** Who the visitor is, in your own terms, with traits. Ignored under the `count` tier. */
export function identify(userId: string | number, traits?: Props): void;

/** A pageview now. Automatic for History API navigation unless `autoTrack` is `false`. */
export function page(props?: PageProps): void;

/** The visitor's consent choice; takes effect at once and is remembered. */
export function consent(choice: ConsentChoice): void;

/** Stops tracking and forgets the visitor, on this visit and later ones, until {@link optIn}. */
export function optOut(): void;

/** Undoes {@link optOut} and starts tracking again. */
export function optIn(): void;

/** The visitor's id, or `null` (not running yet, `count` tier, opted out). */
export function getVisitorId(): string | null;

/** The current session's id, or `null` while the tracker is not running. */
export function getSessionId(): string | null;

/** Whether the tracker runs now. */
export function isTracking(): boolean;

/** Options for {@link mountForm}. */
export interface FormOptions {
  /** The form's id, as made in PulseGate (`PUT /analytics/forms/{formId}`). */
  readonly formId: string;
  /** The form's site (default: the `siteKey` given to {@link init}). */
  readonly siteKey?: string;
  /** Where the PulseGate worker runs (default: the `endpoint` given to {@link init}). */
  readonly endpoint?: string;
}

/**
 * Renders a lead form into `element`, in a shadow root of its own (theme it with the `--pg-*` CSS
 * custom properties), with the server's own validation, a honeypot and retries; its leads are
 * linked to the tracked session. Resolves to whether the form was mounted: `false` outside a
 * browser, or for an unusable element, site key, form id or endpoint. Never rejects.
 */
export function mountForm(element: Element, options: FormOptions): Promise<boolean>;
