import { mount } from "svelte";
import App from "./App.svelte";

/** Replaces the static first frame from index.html with the app, in one task: no blank frame. */
export function mountApp(target: HTMLElement) {
  target.replaceChildren();
  return mount(App, { target });
}
