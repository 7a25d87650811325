// French strings. Typed against the English catalogue: a missing or extra key does not compile.
// Typography: non-breaking space (\u00a0) before « : » and narrow one (\u202f) before « ; ! ? ».

import type { Messages } from "./en";

export const fr: Messages = {
  "app.name": "Scaleway SCIM Wizard",

  "language.label": "Langue",

  "welcome.title": "Scaleway SCIM Wizard",
  "welcome.lede":
    "Cette application relie l’approvisionnement automatique des utilisateurs de Microsoft Entra ID à votre Organisation Scaleway. Une fois la configuration terminée, les personnes que vous ajoutez dans Entra apparaissent d’elles-mêmes dans Scaleway.",
  "welcome.stepsHeading": "Les quatre étapes",
  "welcome.step1":
    "Activer l’approvisionnement automatique des utilisateurs (SCIM) dans Scaleway et créer son jeton secret — conservé dans le trousseau de votre ordinateur.",
  "welcome.step2": "Créer une application pour Scaleway dans Microsoft Entra ID.",
  "welcome.step3":
    "Relier les deux\u00a0: donner à Entra l’adresse et le jeton Scaleway, puis tester la connexion.",
  "welcome.step4":
    "Ajuster les informations utilisateur envoyées, puis vérifier qu’un utilisateur arrive bien dans Scaleway.",
  "welcome.needsHeading": "Avant de commencer, munissez-vous\u00a0:",
  "welcome.needsScaleway":
    "d’une clé d’API Scaleway autorisée à gérer l’IAM de votre Organisation\u202f;",
  "welcome.needsEntra":
    "d’un compte Microsoft doté du rôle Administrateur d’application ou Administrateur d’applications cloud dans Entra ID.",
  "welcome.actionsLabel": "Comment voulez-vous commencer\u202f?",
  "welcome.connect": "Connecter mes comptes",
  "welcome.practice": "S’entraîner dans le bac à sable (aucun compte requis)",
  "welcome.practiceNote":
    "Le bac à sable imite Scaleway et Entra sur cet ordinateur\u00a0: vous pouvez essayer chaque étape sans rien modifier de réel.",

  "mode.sandbox": "Bac à sable",
  "mode.sandboxNote": "Rien de réel n’est modifié.",

  "progress.label": "Progression de la configuration",
  "progress.count": "Étape {n} sur {total}",
  "progress.step1": "Scaleway",
  "progress.step2": "Entra ID",
  "progress.step3": "Connexion",
  "progress.step4": "Utilisateurs et vérification",
  "progress.completed": "terminée",

  "screen.scaleway.title": "Activer l’approvisionnement dans Scaleway",
  "screen.scaleway.description":
    "Vous confierez ici une clé d’API Scaleway à l’application\u00a0; elle activera l’approvisionnement automatique des utilisateurs (SCIM) pour votre Organisation et conservera son jeton secret dans le trousseau de votre ordinateur.",
  "screen.entra.title": "Créer l’application dans Microsoft Entra ID",
  "screen.entra.description":
    "Vous vous connecterez ici à Microsoft dans votre navigateur, et l’application créera une application pour Scaleway dans votre Entra ID.",
  "screen.connection.title": "Relier Entra à Scaleway",
  "screen.connection.description":
    "L’application transmet ici à Entra l’adresse et le jeton Scaleway, et teste la connexion avant d’enregistrer quoi que ce soit.",
  "screen.mappings.title": "Choisir les informations utilisateur envoyées",
  "screen.mappings.description":
    "Vous verrez ici quelles informations utilisateur Entra envoie à Scaleway, et approuverez les modifications recommandées par Scaleway avant qu’elles soient appliquées.",
  "screen.users.title": "Choisir qui obtient l’accès",
  "screen.users.description":
    "Vous choisirez ici les personnes ou les groupes d’Entra qui doivent apparaître dans Scaleway.",
  "screen.verify.title": "Vérifier que tout fonctionne",
  "screen.verify.description":
    "L’application envoie ici immédiatement un utilisateur à Scaleway et confirme que cette personne apparaît bien dans votre Organisation.",
  "screen.done.title": "Tout est prêt",
  "screen.done.description":
    "Vous trouverez ici un récapitulatif de ce qui a été configuré, et la marche à suivre pour l’annuler si besoin.",
  "screen.later": "Cette étape arrivera dans une prochaine version de l’application.",

  "nav.back": "Retour",
  "nav.startOver": "Recommencer",

  "error.title": "Un problème est survenu",
  "error.retry": "Réessayer",
  "error.dismiss": "Fermer",
  "error.fallback.generic": "L’opération n’a pas pu aboutir.",
  "error.fallback.internal": "Un incident inattendu s’est produit dans l’application.",
  "error.fallback.invalid_input":
    "Certaines informations saisies ne sont pas valides. Vérifiez-les, puis réessayez.",
  "error.fallback.keychain_unavailable":
    "Le trousseau de votre ordinateur est inaccessible\u00a0: le jeton secret ne peut pas être conservé en sécurité.",
  "error.fallback.keychain_locked":
    "Le trousseau de votre ordinateur est verrouillé, ou son accès a été refusé. Déverrouillez-le, puis réessayez.",
  "error.fallback.keychain_failed":
    "Le trousseau de votre ordinateur a signalé une erreur lors de la lecture ou de l’enregistrement du jeton secret.",
  "error.fallback.sandbox_unavailable": "Le bac à sable d’entraînement n’a pas pu démarrer.",

  "footer.version": "Version {version}",
};
