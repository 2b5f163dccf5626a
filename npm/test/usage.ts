// Type-checked against the packed package (`tsc --noEmit`, strict) by the end-to-end tests: every
// public function and option as an app uses them, and misuses the declarations must refuse. A
// changed signature fails CI here before it fails an app.
import {
  consent,
  getSessionId,
  getVisitorId,
  identify,
  init,
  isTracking,
  mountForm,
  optIn,
  optOut,
  page,
  track,
  type ConsentChoice,
  type FormOptions,
  type InitOptions,
  type Props,
} from "@pulsegate/sdk";

const options: InitOptions = {
  siteKey: "demo",
  endpoint: "https://pulsegate.example",
  autoTrack: true,
  consent: "pending",
  respectDnt: true,
  domains: ["shop.example", "*.shop.example"],
  excludePaths: "/admin/*",
  stripParams: ["session"],
  hashRouting: false,
  flushAt: 20,
  flushInterval: 2000,
  debug: false,
};

export async function usage(): Promise<void> {
  const running: boolean = await init(options);
  const props: Props = { plan: "pro", seats: 3, trial: false, coupon: null, note: undefined };
  track("signup", props);
  track("clicked");
  identify("user-42", { plan: "pro" });
  identify(42);
  page();
  page({ url: "https://shop.example/checkout", title: "Checkout" });
  const choice: ConsentChoice = { analytics: true, marketing: false };
  consent(choice);
  consent("marketing");
  optOut();
  optIn();
  const visitor: string | null = getVisitorId();
  const session: string | null = getSessionId();
  const tracking: boolean = isTracking();
  const form: FormOptions = { formId: "quote" };
  const mounted: boolean = await mountForm(document.createElement("div"), form);
  await mountForm(document.body, { formId: "quote", siteKey: "demo", endpoint: "https://pulsegate.example" });
  void [running, visitor, session, tracking, mounted];

  // @ts-expect-error the site key and endpoint are required
  await init({ siteKey: "demo" });
  // @ts-expect-error an event name is a string
  track(42);
  // @ts-expect-error props are scalars, not nested objects
  track("signup", { cart: { items: 2 } });
  // @ts-expect-error not a consent tier
  consent("everything");
  // @ts-expect-error unknown option
  await init({ ...options, sitekey: "typo" });
  // @ts-expect-error a form needs its id
  await mountForm(document.body, {});
  // @ts-expect-error the getters may answer null
  const id: string = getVisitorId();
  void id;
}
