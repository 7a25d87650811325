// The page's entry: only the stylesheet and this loader load with the page, so WebKit can finish
// loading it and draw the static first frame from index.html (the logo and name) at once. WebKit
// draws nothing before that, and the app (its 250 KB of script and the backend calls its first
// render makes) would otherwise hold the whole page back. The app comes just after.
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("The #app element is missing from index.html");

function startApp(into: HTMLElement) {
  import("./app")
    .then(({ mountApp }) => mountApp(into))
    .catch((error: unknown) => {
      // Only a damaged installation gets here: the script ships inside the app.
      console.error("The app could not start", error);
    });
}

if (document.readyState === "complete") startApp(target);
else addEventListener("load", () => startApp(target), { once: true });
