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
      // Only a damaged installation gets here (the script ships inside the app), and the
      // translations are in the part that failed: so the two languages' sentences are here.
      console.error("The app could not start", error);
      const message = document.createElement("p");
      message.className = "boot-failure";
      message.setAttribute("role", "alert");
      message.textContent = navigator.language.toLowerCase().startsWith("fr")
        ? "L’application n’a pas pu démarrer. Réinstallez-la\u202f; si cela se reproduit, signalez le problème."
        : "The app could not start. Reinstall it; if this happens again, please report the problem.";
      into.replaceChildren(message);
    });
}

if (document.readyState === "complete") startApp(target);
else addEventListener("load", () => startApp(target), { once: true });
