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
    "L’application vérifie votre clé d’API Scaleway, active l’approvisionnement automatique des utilisateurs (SCIM) pour votre Organisation et crée son jeton secret, conservé dans le trousseau de votre ordinateur.",
  "screen.entra.title": "Créer l’application dans Microsoft Entra ID",
  "screen.entra.description":
    "Connectez-vous à Microsoft\u00a0: l’application vérifie votre compte, puis crée une application pour Scaleway dans votre Entra ID.",
  "screen.connection.title": "Relier Entra à Scaleway",
  "screen.connection.description":
    "L’application transmet à Entra l’adresse et le jeton Scaleway, et teste la connexion avant d’enregistrer quoi que ce soit.",
  "screen.mappings.title": "Choisir les informations utilisateur envoyées",
  "screen.mappings.description":
    "Vérifiez quelles informations utilisateur Entra envoie à Scaleway, et approuvez les modifications recommandées par Scaleway avant qu’elles soient appliquées.",
  "screen.users.title": "Choisir qui obtient l’accès",
  "screen.users.description":
    "Choisissez les personnes ou les groupes d’Entra qui doivent apparaître dans Scaleway.",
  "screen.verify.title": "Vérifier que tout fonctionne",
  "screen.verify.description":
    "L’application envoie immédiatement un utilisateur à Scaleway et confirme que cette personne apparaît bien dans votre Organisation.",
  "screen.done.title": "Tout est prêt",
  "screen.done.description":
    "Ce qui a été configuré, où le retrouver, et comment l’annuler si besoin.",

  "start.practiceBusy": "Démarrage du bac à sable…",
  "start.realBusy": "Préparation…",

  "header.settings": "Réglages",

  "settings.title": "Réglages",
  "error.discardToken":
    "Continuer sans ce jeton",
  "settings.clearDelay.label": "Effacer les valeurs copiées du presse-papiers après",
  "settings.clearDelay.unit": "secondes",
  "settings.clearDelay.help": "De {min} à {max}\u00a0secondes. Par défaut\u00a0: {default}.",
  "settings.clearDelay.invalid": "Saisissez un nombre entier de secondes, de {min} à {max}.",
  "settings.language.help": "L’application retient votre choix.",
  "settings.connection.toggle": "Avancé\u00a0: connexion",
  "settings.connection.intro":
    "Où l’application se connecte à Microsoft et joint Scaleway. Laissez ces champs vides, sauf si votre service informatique vous demande de les modifier\u00a0: les valeurs par défaut conviennent à la plupart des organisations.",
  "settings.connection.practice":
    "Le mode entraînement ignore ces réglages\u00a0: il utilise toujours le simulateur intégré à l’application.",
  "settings.connection.practiceNow":
    "Vous êtes en mode entraînement. Ces réglages s’appliqueront quand vous connecterez vos vrais comptes.",
  "settings.connection.loading": "Chargement des réglages de connexion…",
  "settings.connection.cloud.label": "Cloud Microsoft",
  "settings.connection.cloud.global": "Mondial",
  "settings.connection.cloud.usgov": "Gouvernement des États-Unis",
  "settings.connection.cloud.china": "Chine (21Vianet)",
  "settings.connection.cloud.help":
    "Choisissez Gouvernement des États-Unis ou Chine uniquement si le Microsoft\u00a0365 de votre organisation se trouve dans ce cloud.",
  "settings.connection.clientId.label": "ID d’application (client)",
  "settings.connection.clientId.help":
    "Laissez vide pour utiliser Microsoft Graph Command Line Tools. Pour utiliser votre propre inscription d’application, saisissez son ID\u00a0: un client public multilocataire avec la redirection http://localhost.",
  "settings.connection.tenant.label": "Locataire",
  "settings.connection.tenant.placeholder": "Le locataire du compte avec lequel vous vous connectez",
  "settings.connection.tenant.help":
    "L’ID d’un locataire ou l’un de ses domaines (par exemple contoso.onmicrosoft.com). Laissez vide pour utiliser le locataire du compte avec lequel vous vous connectez.",
  "settings.connection.loginUrl.label": "Adresse de connexion Microsoft",
  "settings.connection.graphUrl.label": "Adresse de Microsoft Graph",
  "settings.connection.microsoftUrl.help":
    "Laissez vide pour utiliser l’adresse propre au cloud choisi, affichée en gris.",
  "settings.connection.scalewayUrl.label": "Adresse de l’API Scaleway",
  "settings.connection.scalewayUrl.help": "Laissez vide pour utiliser l’adresse de Scaleway, affichée en gris.",
  "settings.connection.scimBaseUrl.label": "Modèle d’URL de base SCIM",
  "settings.connection.scimBaseUrl.placeholder": "Trouvée par l’application",
  "settings.connection.scimBaseUrl.help":
    "Laissez vide et l’application trouve elle-même votre URL de base. Sinon, une adresse https:// complète, qui peut contenir {scim_id} et {organization_id}.",
  "settings.connection.unfamiliarHost":
    "{host} n’est pas une adresse Microsoft\u00a0: votre connexion et vos jetons y sont envoyés. Ne l’utilisez que si votre service informatique vous l’a donnée.",
  "settings.connection.locked":
    "Défini par {variable}\u00a0: modifiez cette variable pour changer cette valeur.",
  "settings.connection.save": "Enregistrer les réglages de connexion",
  "settings.connection.saving": "Enregistrement…",
  "settings.connection.reset": "Rétablir les valeurs par défaut",
  "settings.connection.saved":
    "Enregistré. L’application utilisera ces réglages à votre prochaine connexion.",
  "settings.connection.savedReconnect":
    "Enregistré. Vos comptes ont été déconnectés, car ces réglages ont changé\u00a0: revenez à l’étape Scaleway et reconnectez-vous.",
  "settings.connection.unsaved": "Vos modifications ne sont pas encore enregistrées.",
  "settings.connection.invalid":
    "Certaines valeurs ne sont pas utilisables\u00a0: corrigez les champs signalés. Rien n’a été enregistré.",
  "settings.connection.invalid.cloud": "Choisissez l’un des clouds de la liste.",
  "settings.connection.invalid.clientId":
    "Saisissez un ID d’application (client), un GUID tel que 14d82eec-204b-4c2f-b7e8-296a70dab67e, ou laissez vide.",
  "settings.connection.invalid.tenant":
    "Saisissez l’ID d’un locataire (un GUID) ou un domaine tel que contoso.onmicrosoft.com, ou laissez vide.",
  "settings.connection.invalid.url":
    "Saisissez une adresse complète commençant par https:// (http:// uniquement pour cet ordinateur), ou laissez vide.",
  "settings.connection.invalid.scimBaseUrl":
    "Saisissez une adresse https:// complète, qui peut contenir {scim_id} et {organization_id}, ou laissez vide.",
  "settings.connection.file": "Enregistrés dans {path}. Aucun secret n’y est jamais conservé.",
  "settings.close": "Fermer",

  "quit.title":
    "Quitter et perdre le jeton SCIM\u00a0?",
  "quit.text":
    "Le jeton SCIM n’est conservé que dans la mémoire de l’application\u00a0: il n’est pas dans votre trousseau, et Scaleway n’affiche jamais un jeton deux fois. Si vous quittez maintenant, il sera perdu et il faudra en créer un nouveau.",
  "quit.copyHelp":
    "Pour le garder, copiez-le et collez-le en lieu sûr, comme votre gestionnaire de mots de passe, avant de quitter\u00a0: l’application vide le presse-papiers en se fermant.",
  "quit.stay":
    "Rester dans l’application",
  "quit.anyway":
    "Quitter et perdre le jeton",
  "settings.forget.title":
    "Connexions et clés enregistrées",
  "settings.forget.help":
    "Votre clé Scaleway et votre connexion Microsoft ne restent dans le trousseau de votre système que le temps que vous avez choisi. Le jeton SCIM reste\u00a0: Entra l’utilise pour provisionner les utilisateurs.",
  "settings.forget.button":
    "Oublier les connexions et clés enregistrées",
  "settings.forget.working":
    "Suppression…",
  "settings.forget.none":
    "Rien à oublier\u00a0: aucune clé Scaleway ni connexion Microsoft n’est conservée sur cet ordinateur.",
  "settings.forget.done":
    "Supprimé du trousseau de votre système\u00a0:",
  "settings.forget.key":
    "la clé Scaleway de l’Organisation {id}",
  "settings.forget.signIn":
    "la connexion Microsoft au locataire {id}",
  "common.show": "Afficher",
  "common.hide": "Masquer",
  "common.optional": "facultatif",
  "common.cancel": "Annuler",
  "common.cancelling": "Arrêt…",
  "common.stopped": "Arrêté. Rien n’est perdu\u00a0: réessayez quand vous voulez, l’application reprend là où elle s’est arrêtée.",
  "common.urlPlaceholder": "https://…",
  "common.unknownDate": "date inconnue",

  "scaleway.credentials.title": "Comment voulez-vous fournir votre clé Scaleway\u202f?",
  "scaleway.method.typed": "Saisir ma clé d’API",
  "scaleway.method.typedNote": "Collez la clé secrète d’une clé d’API autorisée à gérer l’IAM.",
  "scaleway.method.imported": "Utiliser les réglages de ma CLI Scaleway",
  "scaleway.method.importedNote":
    "Si l’outil en ligne de commande Scaleway (scw) est configuré sur cet ordinateur.",
  "scaleway.method.existing": "J’ai déjà un jeton et une URL de base",
  "scaleway.method.existingNote": "Vous avez créé vous-même le jeton SCIM dans la console Scaleway.",
  "scaleway.secretKey.label": "Clé secrète",
  "scaleway.secretKey.help":
    "Dans la console Scaleway\u00a0: IAM → API keys. La clé secrète n’est affichée qu’une fois, à la création de la clé.",
  "scaleway.secretKey.required": "Saisissez la clé secrète.",
  "scaleway.secretKey.show": "Afficher la clé secrète",
  "scaleway.secretKey.cleared":
    "Par sécurité, l’application ne conserve pas la clé secrète\u00a0: collez-la de nouveau pour réessayer.",
  "scaleway.orgId.label": "ID de l’Organisation",
  "scaleway.orgId.help":
    "Dans la console Scaleway\u00a0: Organization settings, où l’ID de l’Organisation est affiché.",
  "scaleway.orgId.required": "Saisissez l’ID de l’Organisation, ou utilisez plutôt la clé d’accès.",
  "scaleway.orgId.useAccessKey": "Je n’ai que la clé d’accès",
  "scaleway.accessKey.label": "Clé d’accès",
  "scaleway.accessKey.help":
    "Affichée à côté de la clé secrète dans IAM → API keys\u00a0; elle commence par SCW. L’application en déduit votre Organisation.",
  "scaleway.accessKey.required": "Saisissez la clé d’accès, ou utilisez plutôt l’ID de l’Organisation.",
  "scaleway.profile.label": "Nom du profil",
  "scaleway.profile.help":
    "Laissez vide pour utiliser votre profil par défaut. L’application lit ~/.config/scw/config.yaml, ou les variables d’environnement SCW_* quand elles sont définies.",
  "scaleway.existing.help":
    "La console Scaleway les affiche une seule fois, à la création du jeton\u00a0: Organization security → Automatic user provisioning.",
  "scaleway.existingToken.label": "Jeton SCIM",
  "scaleway.existingToken.required": "Collez le jeton SCIM.",
  "scaleway.existingToken.show": "Afficher le jeton SCIM",
  "scaleway.existingBaseUrl.label": "URL de base (Base URL)",
  "scaleway.existingBaseUrl.required": "Collez l’URL de base.",
  "scaleway.existingOrgId.help":
    "Permet de distinguer ce jeton de ceux d’autres Organisations dans votre trousseau.",
  "scaleway.checkKey": "Vérifier ma clé",
  "scaleway.keep.label":
    "Conserver ma clé Scaleway et ma connexion Microsoft après cette configuration",
  "scaleway.keep.help":
    "Par défaut, elles restent dans le trousseau de votre système seulement jusqu’à la fin de cette configuration, pour pouvoir la reprendre en cas d’interruption, puis l’application les oublie. Conservez-les si vous reviendrez renouveler le jeton ou annuler la configuration sans les saisir à nouveau. Vous pouvez les oublier à tout moment dans les Réglages.",
  "scaleway.checkingKey": "Vérification de votre clé auprès de Scaleway…",
  "scaleway.checkExisting": "Vérifier le jeton et l’URL de base",
  "scaleway.checkingExisting": "Vérification du jeton et de l’URL de base…",
  "scaleway.practice.text":
    "Dans le bac à sable, une clé d’entraînement est prête pour vous. Elle ouvre l’Organisation de démonstration «\u00a0{name}\u00a0».",
  "scaleway.practice.textNoName": "Dans le bac à sable, une clé d’entraînement est prête pour vous.",
  "scaleway.practice.use": "Utiliser la clé d’entraînement",
  "scaleway.connected.title": "Clé vérifiée",
  "scaleway.connected.summary":
    "Clé valide — Organisation «\u00a0{name}\u00a0» — cette clé peut gérer SCIM",

  "scaleway.enable.title": "Activer SCIM pour votre Organisation",
  "scaleway.enable.off":
    "L’approvisionnement automatique des utilisateurs (SCIM) est désactivé pour cette Organisation.",
  "scaleway.enable.explain":
    "Scaleway acceptera l’approvisionnement des utilisateurs par un fournisseur d’identité pour cette Organisation. Rien ne change pour les utilisateurs existants tant qu’Entra ne les envoie pas.",
  "scaleway.enable.button": "Activer SCIM et créer le jeton",
  "scaleway.enable.busy": "Activation de SCIM (1 sur 2)…",
  "scaleway.enable.minting": "Création du jeton et recherche de l’URL de base (2 sur 2)…",

  "scaleway.token.title": "Créer le jeton SCIM",
  "scaleway.token.explain":
    "Entra utilise ce jeton secret pour envoyer vos utilisateurs à Scaleway. Il reste valable un an. L’application le conserve dans le trousseau de votre ordinateur, pas à l’écran.",
  "scaleway.token.oneExists":
    "Cette Organisation a déjà un jeton SCIM, peut-être utilisé par un autre outil. Scaleway en autorise deux\u00a0: l’application en crée un second, et le premier continue de fonctionner.",
  "scaleway.token.loading": "Lecture des jetons SCIM…",
  "scaleway.token.mint": "Créer le jeton SCIM",
  "scaleway.token.minting": "Création du jeton et recherche de l’URL de base…",
  "scaleway.token.noKeychain":
    "Ne pas le conserver dans mon trousseau (il sera seulement transmis à Entra)",
  "scaleway.token.noKeychainNote":
    "Sans trousseau, le jeton n’existe que tant que l’application reste ouverte. Si vous la fermez avant la fin de l’étape 3, il faudra un nouveau jeton.",
  "scaleway.limit.title": "Scaleway a déjà deux jetons SCIM",
  "scaleway.limit.explain":
    "Scaleway autorise deux jetons SCIM par Organisation. Pour en créer un nouveau, il faut d’abord en supprimer un.",
  "scaleway.limit.listLabel": "Jetons SCIM de cette Organisation",
  "scaleway.limit.tokenName": "Jeton {n}",
  "scaleway.limit.created": "Créé le",
  "scaleway.limit.expires": "Expire le",
  "scaleway.limit.ours": "Créé par cette application",
  "scaleway.limit.older": "Le plus ancien",
  "scaleway.limit.delete": "Supprimer le plus ancien…",
  "scaleway.delete.title": "Supprimer le plus ancien jeton SCIM\u202f?",
  "scaleway.delete.which": "Le jeton créé le {date} sera supprimé.",
  "scaleway.delete.warning":
    "Entra l’utilise peut-être encore\u00a0; l’approvisionnement qui s’en sert s’arrête aussitôt. Cette action est irréversible.",
  "scaleway.delete.confirm": "Supprimer le jeton",
  "scaleway.delete.busy": "Suppression…",

  "scaleway.created.new": "Jeton créé — conservé dans votre trousseau",
  "scaleway.created.notStored":
    "Jeton créé — non conservé sur cet ordinateur\u00a0; il sera seulement transmis à Entra",
  "scaleway.created.heldInMemory": "Jeton créé — gardé par l’application jusqu’à sa fermeture",
  "scaleway.keychainRefused.title": "Votre trousseau n’a pas accepté le jeton",
  "scaleway.keychainRefused.kept":
    "Rien n’est perdu\u00a0: l’application garde le jeton jusqu’à ce que vous la fermiez, et vous pouvez poursuivre la configuration. Pour le conserver sur cet ordinateur, déverrouillez votre trousseau et réessayez, ou copiez le jeton dans votre gestionnaire de mots de passe.",
  "scaleway.keychainRefused.tryAgain": "Réessayer le trousseau",
  "scaleway.keychainRefused.trying": "Essai du trousseau…",
  "scaleway.created.resumed": "Utilisation du jeton créé précédemment — aucun nouveau jeton n’a été nécessaire",
  "scaleway.created.manual": "Jeton et URL de base vérifiés — le jeton est conservé dans votre trousseau",
  "scaleway.expiry": "Valable jusqu’au {date}",
  "scaleway.expiryUnknown": "Valable un an",

  "scaleway.baseUrl.title": "Collez l’URL de base",
  "scaleway.baseUrl.explain":
    "L’application n’a pas pu trouver seule votre URL de base SCIM. Dans la console Scaleway, ouvrez Organization security → Automatic user provisioning et copiez la Base URL affichée.",
  "scaleway.baseUrl.label": "Collez l’URL de base affichée dans la console Scaleway",
  "scaleway.baseUrl.required": "Collez d’abord l’URL de base.",
  "scaleway.baseUrl.check": "Vérifier l’URL de base",
  "scaleway.baseUrl.checking": "Vérification de l’URL de base avec votre jeton…",

  "scaleway.ready.baseUrl": "URL de base",
  "scaleway.ready.token": "Jeton SCIM",
  "scaleway.ready.explain":
    "Vous n’avez à les coller nulle part\u00a0: à l’étape 3, l’application les transmet elle-même à Entra. Ne les copiez que pour en garder une trace, et gardez le jeton secret.",
  "scaleway.ready.manualToken":
    "Vous avez déjà ce jeton\u00a0; l’application le transmet à Entra à l’étape 3.",
  "scaleway.copy.token": "Copier le jeton",
  "scaleway.copy.baseUrl": "Copier l’URL de base",
  "scaleway.copy.countdown": "Copié — effacé dans {seconds}\u00a0s",
  "scaleway.copy.announceToken":
    "Jeton copié. Le presse-papiers sera effacé dans {seconds}\u00a0secondes.",
  "scaleway.copy.announceBaseUrl":
    "URL de base copiée. Le presse-papiers sera effacé dans {seconds}\u00a0secondes.",
  "scaleway.copy.cleared": "Le presse-papiers a été effacé.",
  "scaleway.reveal.button": "Maintenir pour afficher",
  "scaleway.reveal.help":
    "Le jeton ne s’affiche que tant que vous maintenez le bouton enfoncé (ou la touche Espace).",
  "scaleway.reveal.hidden": "Masqué",

  "scaleway.next": "Suivant\u00a0: Entra ID",
  "scaleway.useAnotherKey": "Utiliser une autre clé",

  "common.copy": "Copier",
  "common.copied": "Copié",
  "common.copyFailed": "Copie impossible\u00a0: sélectionnez le texte et appuyez sur Ctrl+C.",
  "common.working": "En cours…",

  "resume.title": "Une configuration inachevée a été trouvée",
  "resume.text": "Une configuration inachevée pour l’Organisation «\u00a0{name}\u00a0» a été trouvée sur cet ordinateur.",
  "resume.updated": "Dernière modification\u00a0: {date}.",
  "resume.app": "Application Entra\u00a0: «\u00a0{name}\u00a0».",
  "resume.continue": "Reprendre",
  "resume.startOver": "Recommencer",
  "resume.busy": "Reconnexion avec les identifiants conservés dans votre trousseau…",
  "resume.step1Done": "L’étape 1 a déjà été faite — le jeton est conservé dans votre trousseau",

  "rolledBack.notice":
    "Tout ce que cette configuration avait créé a été supprimé. Vous pouvez recommencer quand vous le souhaitez.",
  "rolledBack.partial": "Tout ce que l’application pouvait supprimer l’a été, dans Entra et dans Scaleway.",

  "entra.signIn.title": "Se connecter à Microsoft",
  "entra.signIn.explain":
    "Utilisez un compte doté du rôle Administrateur d’application ou Administrateur d’applications cloud. L’application vérifie ce que votre compte peut faire avant de modifier quoi que ce soit.",
  "entra.signIn.browser": "Se connecter avec Microsoft",
  "entra.signIn.deviceCode": "Utiliser un code à la place",
  "entra.signIn.deviceCodeNote":
    "Si aucun navigateur ne peut s’ouvrir sur cet ordinateur\u00a0: vous saisirez un code court sur un autre appareil.",
  "entra.advanced": "Options avancées",
  "entra.tenant.label": "Locataire",
  "entra.tenant.help":
    "L’ID de votre locataire ou l’un de ses domaines (par exemple contoso.onmicrosoft.com). Laissez vide pour utiliser le locataire du compte avec lequel vous vous connectez.",
  "entra.waiting.title": "En attente de votre connexion…",
  "entra.waiting.starting": "Préparation de la connexion…",
  "entra.waiting.browser":
    "La page de connexion Microsoft s’est ouverte dans votre navigateur. Terminez la connexion là-bas, puis revenez ici.",
  "entra.waiting.browserLink": "Si la page ne s’est pas ouverte, copiez ce lien dans votre navigateur\u00a0:",
  "entra.waiting.copyLink": "Copier le lien",
  "entra.waiting.device": "Sur n’importe quel appareil, ouvrez cette adresse et saisissez le code\u00a0:",
  "entra.waiting.address": "Adresse",
  "entra.waiting.code": "Code",
  "entra.waiting.copyAddress": "Copier l’adresse",
  "entra.waiting.copyCode": "Copier le code",
  "entra.waiting.automatic": "Le bac à sable vous connecte automatiquement.",
  "entra.cancel": "Annuler la connexion",
  "entra.account.title": "Connecté à Microsoft",
  "entra.account.who": "Compte",
  "entra.account.tenant": "Locataire",
  "entra.account.role": "Rôle",
  "entra.account.noRole": "Aucun rôle permettant de configurer l’application",
  "entra.account.ready": "Ce compte peut créer l’application et configurer l’approvisionnement.",
  "entra.account.notReady": "Ce compte ne peut pas encore terminer la configuration",
  "entra.missing.roles": "Rôle manquant",
  "entra.missing.permissions": "Autorisations manquantes",
  "entra.fixes": "Que faire",
  "entra.consent.label": "Lien de consentement administrateur, à ouvrir par un administrateur général\u00a0:",
  "entra.consent.copy": "Copier le lien de consentement",
  "entra.signInAgain": "Se connecter avec un autre compte",
  "entra.app.title": "Créer l’application dans Entra",
  "entra.app.explain":
    "L’application crée une application d’entreprise pour Scaleway dans votre locataire (une application «\u00a0hors galerie\u00a0», comme l’indique le guide de Scaleway) ainsi que sa tâche d’approvisionnement. Rien n’est encore envoyé à Scaleway.",
  "entra.app.name": "Nom de l’application",
  "entra.app.nameHelp": "Laissez vide pour utiliser «\u00a0{name}\u00a0».",
  "entra.app.nameHelpNoDefault": "Laissez vide pour utiliser le nom par défaut.",
  "entra.app.create": "Créer l’application dans Entra",
  "entra.app.confirmTenant":
    "L’application sera créée dans le locataire {tenant} ({id}), en tant que {account}. Vérifiez que c’est le bon avant de continuer\u00a0: rien n’est modifié dans Entra avant que vous cliquiez sur le bouton.",
  "entra.app.createHere":
    "Créer l’application dans ce locataire",
  "entra.app.creating":
    "Création de l’application et de sa tâche d’approvisionnement… Entra peut mettre une minute à suivre.",
  "entra.app.created": "Application «\u00a0{name}\u00a0» créée dans Entra, avec sa tâche d’approvisionnement",
  "entra.app.reused": "Utilisation de l’application «\u00a0{name}\u00a0» créée plus tôt par cette configuration",
  "entra.next": "Suivant\u00a0: connexion",

  "connection.title": "Tester la connexion",
  "connection.explain":
    "Entra appelle Scaleway avec l’URL de base et le jeton SCIM de l’étape 1, comme il le fera pour approvisionner les utilisateurs. Les identifiants ne sont enregistrés dans Entra que si ce test réussit.",
  "connection.tenantUrl": "URL du locataire (l’URL de base Scaleway)",
  "connection.test": "Tester la connexion",
  "connection.testing": "Entra appelle Scaleway…",
  "connection.ok": "Entra a joint Scaleway et le jeton fonctionne — les identifiants sont enregistrés",
  "connection.failed": "Entra n’a pas pu utiliser le jeton auprès de Scaleway",
  "connection.failedHint":
    "Rien n’a été enregistré dans Entra. Revenez à l’étape 1 pour vérifier le jeton et l’URL de base, puis testez à nouveau.",
  "connection.scalewaySaid": "Réponse de Scaleway\u00a0:",
  "connection.next": "Suivant\u00a0: informations utilisateur",

  "mappings.title": "Les modifications demandées par le guide de Scaleway",
  "mappings.loading": "Lecture des correspondances actuelles dans Entra…",
  "mappings.listLabel": "Modifications des informations utilisateur envoyées à Scaleway",
  "mappings.before": "Actuellement",
  "mappings.after": "Ensuite",
  "mappings.what.group_provisioning": "Groupes envoyés à Scaleway",
  "mappings.what.name_formatted": "Nom complet (name.formatted)",
  "mappings.what.display_name": "Nom affiché (displayName)",
  "mappings.what.user_name": "Nom d’utilisateur dans Scaleway (userName)",
  "mappings.what.group_attributes": "Ce qu’un groupe transmet à Scaleway",
  "mappings.what.other": "Autre modification",
  "mappings.already":
    "Les correspondances sont déjà conformes au guide de Scaleway\u00a0: rien à modifier.",
  "mappings.groups.label": "Envoyer les groupes à Scaleway",
  "mappings.groups.note":
    "Scaleway accepte désormais les groupes\u00a0: les personnes d’un groupe attribué arrivent dans un groupe Scaleway du même nom. Son guide l’active.",
  "mappings.groups.unsupported":
    "Le service SCIM de cette Organisation ne prend pas encore les groupes en charge\u00a0: les personnes des groupes attribués arrivent quand même, comme utilisateurs.",
  "mappings.advanced": "Options avancées",
  "mappings.fullUpn.label": "Garder le nom de connexion complet comme nom d’utilisateur",
  "mappings.fullUpn.note":
    "adele.vance@contoso.com au lieu de adele.vance. Le guide de Scaleway ne garde que la partie avant le @.",
  "mappings.compat.label": "Utiliser l’option de compatibilité SCIM d’Entra",
  "mappings.compat.note":
    "Entra suit alors plus strictement la norme SCIM. L’envoi immédiat d’un utilisateur n’est plus possible\u00a0: la vérification finale attend un cycle normal.",
  "mappings.apply": "Appliquer ces modifications",
  "mappings.applying":
    "Enregistrement des correspondances dans Entra (l’original est conservé pour une annulation)…",
  "mappings.applied":
    "Informations utilisateur réglées comme le demande le guide de Scaleway — l’original est conservé pour une annulation",
  "mappings.continue": "Suivant\u00a0: utilisateurs",

  "users.title": "Qui doit apparaître dans Scaleway\u202f?",
  "users.explain":
    "Cherchez dans votre annuaire Entra et cochez les personnes ou les groupes à affecter à l’application. Seuls les utilisateurs affectés sont envoyés à Scaleway.",
  "users.search.label": "Rechercher des personnes et des groupes",
  "users.search.help": "Saisissez une partie d’un nom ou d’une adresse e-mail.",
  "users.searching": "Recherche…",
  "users.results.users": "Personnes",
  "users.results.groups": "Groupes",
  "users.noResults": "Personne ne correspond à «\u00a0{query}\u00a0».",
  "users.directoryNote": "Les premières personnes et les premiers groupes de votre annuaire. Recherchez pour trouver quelqu’un d’autre.",
  "users.directoryEmpty": "Votre annuaire ne propose encore personne.",
  "users.groupsUnavailable":
    "Vos autorisations ne permettent pas de lister les groupes\u202f; les personnes restent disponibles.",
  "users.selected": "Sélection\u00a0: {count}",
  "users.selectedNone": "Personne n’est encore sélectionné.",
  "users.remove": "Retirer {name}",
  "users.group": "Groupe",
  "impact.title": "Ce qui se passe dans Scaleway",
  "impact.create.title": "Seront créés dans Scaleway ({count})",
  "impact.create.item": "{upn}, sous le nom «\u00a0{username}\u00a0»",
  "impact.match.title": "Déjà dans Scaleway\u00a0: Entra les gérera désormais ({count})",
  "impact.match.item": "«\u00a0{username}\u00a0» devient {upn}.",
  "impact.match.name": "Nom\u00a0: {before} → {after}",
  "impact.match.email": "E-mail\u00a0: {before} → {after}",
  "impact.collisions.title": "Auraient le même nom d’utilisateur ({count})\u00a0: l’attribution est bloquée",
  "impact.collisions.item": "«\u00a0{username}\u00a0»\u00a0: {upns}",
  "impact.collisions.waysOut":
    "Scaleway leur donnerait un seul compte. Gardez le domaine dans chaque nom d’utilisateur (jane@contoso.com au lieu de jane), ou décochez certains d’entre eux.",
  "impact.collisions.keepDomain": "Garder le domaine dans les noms d’utilisateur",
  "impact.untouched.title": "Dans Scaleway, non choisis\u00a0: laissés tels quels ({count})",
  "impact.untouched.owner": "{username} (le propriétaire de l’Organisation)",
  "impact.quota":
    "Cette Organisation a {existing}\u00a0utilisateurs et en recevrait {adding} de plus, au-delà de la limite de {limit} de Scaleway\u00a0: choisissez moins de personnes.",
  "users.scope.title": "Avant d’attribuer ces groupes",
  "users.scope.nested":
    "«\u00a0{group}\u00a0» contient des groupes ({subgroups})\u00a0: Scaleway n’a pas de groupes imbriqués, ils n’apparaîtront donc pas, ni leurs membres sauf si vous les choisissez aussi.",
  "users.scope.managed":
    "«\u00a0{group}\u00a0» porte le nom d’un groupe que Scaleway gère lui-même\u00a0: renommez le groupe dans Entra, ou laissez-le de côté.",
  "users.scope.existing":
    "Scaleway a déjà un groupe nommé «\u00a0{group}\u00a0»\u00a0: Entra en prendrait le contrôle et fixerait ses membres.",
  "users.scope.quota":
    "Cette Organisation a {existing}\u00a0groupes et en recevrait {adding} de plus, au-delà de la limite de {limit} de Scaleway\u00a0: attribuez moins de groupes.",
  "users.scope.membersOnly":
    "Les groupes ne sont pas envoyés à Scaleway dans cette configuration\u00a0: les personnes directement dans les groupes choisis arrivent, comme utilisateurs.",
  "users.assign": "Affecter et lancer l’approvisionnement",
  "users.assigning": "Affectation…",
  "users.assigned": "Affectés à l’application\u00a0: {names}",

  "verify.title": "Lancer l’approvisionnement et vérifier",
  "verify.explain":
    "L’application lance l’approvisionnement, envoie immédiatement un utilisateur affecté à Scaleway et vérifie que cette personne existe désormais dans votre Organisation.",
  "verify.start": "Lancer l’approvisionnement",
  "verify.again": "Vérifier à nouveau",
  "verify.running":
    "En cours… Vous pouvez annuler à tout moment\u00a0: relancer reprend là où l’opération s’est arrêtée.",
  "verify.progressLabel": "Progression",
  "verify.ok": "{user} existe maintenant dans Scaleway",
  "verify.okSomeone": "L’utilisateur de test existe maintenant dans Scaleway",
  "verify.userId": "ID de l’utilisateur Scaleway\u00a0: {id}",
  "verify.checkedThroughScim": "Vérifié via SCIM avec votre jeton (l’application n’a pas de clé d’API Scaleway).",
  "verify.notYet": "L’approvisionnement tourne, mais l’utilisateur de test n’est pas encore dans Scaleway",
  "verify.job.healthy": "Tâche d’approvisionnement\u00a0: en bonne santé",
  "verify.job.unhealthy": "Tâche d’approvisionnement\u00a0: à surveiller",
  "verify.quarantine": "Entra a suspendu l’approvisionnement (quarantaine) après des erreurs répétées.",
  "verify.quarantineNext": "Prochaine tentative\u00a0: {date}",
  "verify.lastError": "Erreur du dernier cycle\u00a0:",
  "verify.next": "Suivant\u00a0: récapitulatif",

  "done.proof": "{user} existe dans Scaleway — l’approvisionnement depuis Entra fonctionne.",
  "done.loading": "Lecture du récapitulatif…",
  "done.kept.token":
    "Le jeton SCIM reste dans le trousseau de votre système (service «\u00a0{service}\u00a0», entrée «\u00a0{account}\u00a0»)\u00a0: Entra l’utilise pour provisionner les utilisateurs.",
  "done.kept.forgotten":
    "Votre clé Scaleway et votre connexion Microsoft ont été oubliées, comme vous l’avez choisi.",
  "done.kept.kept":
    "Votre clé Scaleway et votre connexion Microsoft sont conservées pour des modifications ultérieures. Oubliez-les à tout moment dans les Réglages.",
  "done.scaleway": "Scaleway",
  "done.entra": "Microsoft Entra ID",
  "done.org": "Organisation",
  "done.scim": "SCIM",
  "done.scimOn": "activé",
  "done.byWizard": "par cette application",
  "done.token": "Jeton SCIM",
  "done.tokenExpires": "valable jusqu’au {date}",
  "done.baseUrl": "URL de base",
  "done.tenant": "Locataire",
  "done.app": "Application d’entreprise",
  "done.appId": "ID d’application (client)",
  "done.job": "Tâche d’approvisionnement",
  "done.mappings": "Correspondances",
  "done.mappingsApplied": "conformes au guide depuis le {date}",
  "done.assigned": "Affectés",
  "done.links": "Les deux consoles",
  "done.linksHelp": "Copiez un lien et ouvrez-le dans votre navigateur.",
  "done.link.entraApp": "Entra\u00a0: l’application d’entreprise",
  "done.link.entraProvisioning": "Entra\u00a0: sa page d’approvisionnement",
  "done.link.scalewayUsers": "Scaleway\u00a0: utilisateurs IAM",
  "done.link.scalewaySecurity": "Scaleway\u00a0: sécurité de l’Organisation (SCIM)",
  "done.export": "Exporter un rapport",
  "done.exporting": "Enregistrement du rapport…",
  "done.exported": "Rapport enregistré (sans aucun secret)\u00a0: {path}",
  "done.rollback": "Annuler la configuration…",
  "done.startOver": "Revenir au début",

  "screen.home.title": "Votre configuration",
  "screen.home.description":
    "Entra envoie les personnes vers Scaleway tout seul. Ici, vous vérifiez que cela fonctionne toujours, et vous le modifiez.",
  "home.loading": "Lecture des deux côtés…",
  "home.reload": "Relire",
  "home.attention.title": "Demande votre attention",
  "home.allWell": "Tout va bien\u00a0: le jeton est valide et rien ne vous attend.",
  "home.scaleway": "Scaleway",
  "home.org": "Organisation",
  "home.scim": "SCIM",
  "home.scimOn": "activé",
  "home.scimOff": "désactivé",
  "home.token": "Jeton SCIM",
  "home.tokenCreated": "créé le {date}",
  "home.tokenExpires": "expire le {date}",
  "home.tokenDaysLeft": "encore {days} jour(s)",
  "home.tokenExpired": "expiré",
  "home.tokenUnknown": "date d’expiration inconnue",
  "home.tokenWorks": "Scaleway l’accepte",
  "home.tokenRefused": "Scaleway le refuse",
  "home.otherToken": "Autre jeton",
  "home.access.key": "Lu avec votre clé d’API Scaleway.",
  "home.access.token": "Lu avec le jeton SCIM que garde cet ordinateur (aucune clé d’API nécessaire).",
  "home.entra": "Microsoft Entra ID",
  "home.app": "Application d’entreprise",
  "home.appMissing": "n’existe plus",
  "home.job": "Approvisionnement",
  "home.lastCycle": "Dernier cycle",
  "home.lastCycleWhen": "terminé le {date}",
  "home.lastCycleExported": "{count} modification(s) envoyée(s) à Scaleway",
  "home.lastCycleFailed": "{count} en échec\u00a0: Entra les réessaie aux cycles suivants (voyez les erreurs récentes)",
  "home.inSync": "Synchronisés avec Scaleway",
  "home.inSyncCounts": "{users} utilisateur(s), {groups} groupe(s)",
  "home.lastCycleNone": "aucun pour l’instant",
  "home.lastCycleError": "Erreur\u00a0: {error}",
  "home.assigned": "Utilisateurs et groupes affectés",
  "home.signIn.text": "Connectez-vous à Microsoft pour voir la tâche d’approvisionnement et faire des modifications.",
  "home.signIn.button": "Se connecter à Microsoft",
  "home.signIn.waiting": "Terminez la connexion dans votre navigateur…",
  "home.signIn.copy": "Copier le lien de connexion",
  "home.proof": "Dernière preuve",
  "home.proofSeen": "{upn} était dans Scaleway sous le nom {username} le {date}.",
  "home.proofNotSeen": "{upn} n’était pas encore dans Scaleway sous le nom {username} le {date}.",
  "home.proofNone": "Aucune preuve enregistrée pour l’instant.",
  "home.actions": "Ce que vous pouvez faire",
  "home.renew": "Renouveler le jeton",
  "home.renewNote":
    "Un second jeton est créé, donné à Entra et testé\u202f; alors seulement l’ancien est supprimé. Si quelque chose échoue, l’ancien jeton continue de fonctionner.",
  "home.renewing": "Renouvellement du jeton…",
  "home.renewed": "Renouvelé\u00a0: Entra utilise le nouveau jeton, valide jusqu’au {date}.",
  "home.key.title": "Le renouvellement demande votre clé d’API Scaleway",
  "home.key.text":
    "L’application ne garde pas votre clé après une configuration. Collez une clé secrète de cette Organisation qui peut gérer SCIM\u202f; elle ne sert qu’à ce renouvellement.",
  "home.key.label": "Clé secrète",
  "home.key.show": "Afficher la clé secrète",
  "home.key.submit": "Utiliser cette clé et renouveler",
  "home.key.cancel": "Annuler",
  "home.key.required": "Collez d’abord la clé secrète.",
  "home.addPeople": "Ajouter des personnes ou des groupes",
  "home.checkAgain": "Vérifier à nouveau",
  "home.checkAgainNote": "Envoie maintenant une personne affectée vers Scaleway et l’y cherche.",
  "home.pause": "Mettre l’approvisionnement en pause",
  "home.resume": "Reprendre l’approvisionnement",
  "home.paused": "L’approvisionnement est en pause\u00a0: Entra n’envoie rien à Scaleway tant que vous ne le reprenez pas.",
  "home.resumed": "L’approvisionnement a repris.",
  "home.rollback": "Annuler la configuration…",
  "home.needsSignIn": "Connectez-vous d’abord à Microsoft.",
  "home.errors.title": "Erreurs récentes",
  "home.errors.note": "Les personnes qu’Entra n’a pas pu envoyer vers Scaleway ces dernières 24\u00a0heures, d’après ses journaux d’approvisionnement. La première fois, Microsoft vous demande l’autorisation de les lire.",
  "home.errors.show": "Afficher les erreurs récentes",
  "home.errors.again": "Les relire",
  "home.errors.none": "Aucune erreur ces dernières 24\u00a0heures ({succeeded} modification(s) passée(s)).",
  "setups.title": "Vos configurations sur cet ordinateur",
  "setups.finished": "Terminée · dernière modification le {date}",
  "setups.unfinished": "Pas terminée · dernière modification le {date}",
  "setups.open": "Ouvrir",
  "setups.all": "Toutes les configurations",
  "setups.openNamed": "Ouvrir la configuration de {name}",
  "home.lastCycleRunning": "en cours",
  "home.action.create": "création",
  "home.action.update": "mise à jour",
  "home.action.delete": "suppression",
  "home.action.disable": "désactivation",
  "home.action.other": "approvisionnement",
  "done.home": "Ouvrir l’accueil de la configuration",

  "rollback.title": "Annuler cette configuration\u202f?",
  "rollback.loading": "Lecture de ce que cette configuration a créé…",
  "rollback.remove": "Seront supprimés, dans cet ordre\u00a0:",
  "rollback.kept": "Sera conservé\u00a0:",
  "rollback.byHand": "Sans clé d’API Scaleway, ceci reste dans Scaleway\u00a0; faites-le dans la console Scaleway\u00a0:",
  "rollback.nothing": "Cette configuration n’a rien créé qu’il faille supprimer.",
  "rollback.warning":
    "L’approvisionnement d’Entra vers Scaleway s’arrête. Les utilisateurs déjà présents dans Scaleway y restent. Cette action est irréversible.",
  "rollback.confirm": "Tout annuler",
  "rollback.busy": "Annulation en cours…",
  "rollback.stop": "Arrêter",
  "rollback.stopped": "Arrêté. Ce qui a déjà été supprimé le reste ; la liste ci-dessus montre ce qui reste.",
  "rollback.offer": "Annuler la configuration…",

  "nav.back": "Retour",
  "nav.startOver": "Recommencer",

  "error.title": "Un problème est survenu",
  "error.retry": "Réessayer",
  "error.dismiss": "Fermer",
  "error.details": "Détails (en anglais)",
  "error.message.generic": "L’opération n’a pas pu aboutir.",
  "error.hint.generic": "Réessayez. Si le problème persiste, redémarrez l’application.",
  "error.message.internal": "Un incident inattendu s’est produit dans l’application.",
  "error.hint.internal":
    "Merci de signaler ce problème. Vos comptes n’ont pas été modifiés par cette erreur.",
  "error.message.invalid_input": "Certaines informations saisies ne sont pas valides.",
  "error.hint.invalid_input": "Vérifiez la valeur, corrigez-la, puis réessayez.",
  "error.message.not_ready":
    "Ce n’est pas encore possible\u00a0: une partie précédente de la configuration n’est pas terminée.",
  "error.hint.not_ready": "Revenez à la partie précédente et terminez-la d’abord.",
  "error.message.keychain_unavailable":
    "Le trousseau de votre ordinateur est inaccessible\u00a0: le jeton secret ne peut pas être conservé en sécurité.",
  "error.hint.keychain_unavailable":
    "Démarrez le trousseau de votre système (par exemple GNOME Keyring ou KWallet), puis réessayez. Vous pouvez aussi choisir de ne pas conserver le jeton\u00a0: il sera alors seulement transmis à Entra.",
  "error.message.keychain_locked":
    "Le trousseau de votre ordinateur est verrouillé, ou son accès a été refusé.",
  "error.hint.keychain_locked":
    "Déverrouillez-le (le mot de passe de votre session suffit en général), autorisez l’application si on vous le demande, puis réessayez.",
  "error.message.keychain_failed":
    "Le trousseau de votre ordinateur a signalé une erreur lors de la lecture ou de l’enregistrement du jeton secret.",
  "error.hint.keychain_failed": "Réessayez. Si l’erreur persiste, redémarrez votre session.",
  "error.message.sandbox_unavailable": "Le bac à sable d’entraînement n’a pas pu démarrer.",
  "error.hint.sandbox_unavailable": "Réessayez. Si l’erreur persiste, redémarrez l’application.",
  "error.message.journal_failed":
    "L’application n’a pas pu enregistrer l’avancement de la configuration sur cet ordinateur.",
  "error.hint.journal_failed":
    "Vérifiez que votre disque n’est pas plein et que votre dossier personnel est accessible en écriture, puis réessayez.",
  "error.message.journal_mismatch":
    "Une configuration inachevée pour une autre Organisation Scaleway se trouve sur cet ordinateur.",
  "error.hint.journal_mismatch":
    "Terminez ou annulez d’abord cette configuration, ou connectez-vous avec la clé de cette Organisation.",
  "error.message.setup_in_use": "Un autre programme travaille en ce moment sur cette configuration.",
  "error.hint.setup_in_use":
    "Attendez qu’il ait fini, ou fermez-le (une autre fenêtre de cette application, ou scim-wizard-cli), puis réessayez.",
  "error.message.scaleway_credentials_not_found":
    "Aucun réglage de la CLI Scaleway n’a été trouvé sur cet ordinateur.",
  "error.hint.scaleway_credentials_not_found":
    "Saisissez plutôt votre clé secrète et l’ID de votre Organisation, ou configurez d’abord la CLI Scaleway (commande scw init).",
  "error.message.scaleway_credentials_invalid":
    "Les réglages de la CLI Scaleway de cet ordinateur sont illisibles.",
  "error.hint.scaleway_credentials_invalid":
    "Réparez-les avec la commande scw init, ou saisissez plutôt votre clé secrète et l’ID de votre Organisation.",
  "error.message.scaleway_profile_unknown":
    "Les réglages de la CLI Scaleway ne contiennent aucun profil de ce nom.",
  "error.hint.scaleway_profile_unknown":
    "Vérifiez le nom du profil, ou laissez-le vide pour utiliser le profil par défaut.",
  "error.message.scaleway_key_refused": "Scaleway ne reconnaît pas cette clé secrète.",
  "error.hint.scaleway_key_refused":
    "Vérifiez que vous avez collé la clé secrète en entier (et non la clé d’accès). Si la clé a été supprimée, créez-en une nouvelle dans la console Scaleway\u00a0: IAM → API keys.",
  "error.message.scaleway_key_expired": "Cette clé d’API Scaleway a expiré.",
  "error.hint.scaleway_key_expired":
    "Créez une nouvelle clé d’API dans la console Scaleway (IAM → API keys) et utilisez sa clé secrète.",
  "error.message.scaleway_permission_denied":
    "Cette clé n’a pas le droit de gérer l’approvisionnement automatique des utilisateurs (SCIM).",
  "error.hint.scaleway_permission_denied":
    "Utilisez une clé du propriétaire de l’Organisation, ou donnez à l’utilisateur ou à l’application de la clé l’ensemble de permissions IAMManager (console Scaleway → IAM → Policies), puis réessayez.",
  "error.message.scaleway_organization_not_found":
    "Scaleway ne trouve aucune Organisation avec cet ID pour cette clé.",
  "error.hint.scaleway_organization_not_found":
    "Copiez l’ID de l’Organisation depuis la console Scaleway (Organization settings), et vérifiez que la clé appartient bien à cette Organisation.",
  "error.message.scaleway_token_limit":
    "Scaleway autorise deux jetons SCIM par Organisation, et la vôtre en a déjà deux.",
  "error.hint.scaleway_token_limit":
    "Supprimez le plus ancien — seulement si plus rien ne l’utilise, car Entra s’en sert peut-être encore — puis réessayez.",
  "error.message.scaleway_rate_limited": "Scaleway demande à l’application de ralentir.",
  "error.hint.scaleway_rate_limited": "Patientez une minute, puis réessayez.",
  "error.message.scaleway_unavailable": "Scaleway est injoignable, ou a rencontré un problème.",
  "error.hint.scaleway_unavailable":
    "Vérifiez votre connexion internet et réessayez dans un instant. Rien n’a été perdu.",
  "error.message.scaleway_outcome_unknown":
    "La connexion à Scaleway a été coupée pendant une modification\u00a0: l’application ne sait pas si celle-ci a été faite.",
  "error.hint.scaleway_outcome_unknown":
    "Réessayez\u00a0: l’application vérifie d’abord ce qui existe et ne créera rien en double.",
  "error.message.scaleway_unexpected": "Scaleway a répondu d’une manière inattendue.",
  "error.hint.scaleway_unexpected": "Réessayez. Si cela se reproduit, merci de le signaler.",
  "error.message.scim_base_url_not_found":
    "Cette adresse n’a pas pu être confirmée comme votre URL de base SCIM.",
  "error.hint.scim_base_url_not_found":
    "Copiez l’URL de base exactement comme la console Scaleway l’affiche (Organization security → Automatic user provisioning), puis collez-la ici.",
  "error.message.scim_token_refused": "Le service SCIM de Scaleway a refusé ce jeton.",
  "error.hint.scim_token_refused":
    "Le jeton a peut-être été supprimé ou a expiré\u00a0: créez-en un nouveau, ou collez un jeton valide.",
  "error.message.token_already_created":
    "Cette configuration a déjà créé un jeton SCIM\u00a0: en utiliser un autre laisserait celui-ci dans Scaleway, où l’annulation de la configuration ne pourrait plus le supprimer.",
  "error.hint.token_already_created":
    "Continuez avec le jeton créé par cette configuration, ou annulez d’abord la configuration (elle supprime ce jeton), puis donnez le vôtre.",
  "error.message.unsaved_token_at_risk":
    "Le jeton SCIM n’est conservé que dans la mémoire de l’application, et cette action le perdrait. Scaleway n’affiche jamais un jeton deux fois\u00a0: sans lui, il faudrait en créer un nouveau.",
  "error.hint.unsaved_token_at_risk":
    "Copiez d’abord le jeton (ou enregistrez-le dans le trousseau), puis recommencez et confirmez.",
  "error.message.tenant_not_confirmed":
    "Rien n’a été modifié dans Microsoft Entra\u00a0: le locataire et le compte connecté n’ont pas été confirmés.",
  "error.hint.tenant_not_confirmed":
    "Vérifiez le compte et le locataire affichés, reconnectez-vous au bon si besoin, puis confirmez.",
  "error.message.scim_token_lost":
    "Un jeton SCIM a été créé, mais l’application s’est arrêtée avant de pouvoir l’enregistrer, et Scaleway n’affiche jamais un jeton deux fois.",
  "error.hint.scim_token_lost":
    "Supprimez le jeton inutilisable dans la console Scaleway (Organization security → Automatic user provisioning), puis créez-en un nouveau ici.",

  "error.message.entra_sign_in_required":
    "Vous n’êtes pas connecté à Microsoft Entra ID, ou votre connexion a expiré.",
  "error.hint.entra_sign_in_required":
    "Reconnectez-vous à Microsoft, puis réessayez.",
  "error.message.organization_has_setup":
    "Cet ordinateur a déjà une configuration pour cette Organisation Scaleway.",
  "error.hint.organization_has_setup":
    "Ouvrez-la depuis l’écran d’accueil, qui liste les configurations de cet ordinateur, au lieu d’en commencer une nouvelle.",
  "error.message.audit_log_consent_needed":
    "La lecture des journaux d’approvisionnement demande une autorisation Microsoft de plus (AuditLog.Read.All), que cette connexion n’a pas.",
  "error.hint.audit_log_consent_needed":
    "Reconnectez-vous à Microsoft et acceptez-la. Si elle est refusée, demandez à un administrateur de l’accorder (un rôle Lecteur de rapports ou Lecteur de sécurité suffit pour lire les journaux).",
  "error.message.entra_consent_required":
    "L’application n’a pas reçu les autorisations Microsoft dont elle a besoin.",
  "error.hint.entra_consent_required":
    "Reconnectez-vous et acceptez les autorisations. Si votre organisation l’exige, demandez à un administrateur général d’accorder le consentement administrateur.",
  "error.message.entra_missing_role":
    "Votre compte Microsoft n’a pas de rôle permettant de créer et de configurer l’application.",
  "error.hint.entra_missing_role":
    "Connectez-vous avec un compte doté du rôle Administrateur d’application ou Administrateur d’applications cloud, ou demandez ce rôle à un administrateur.",
  "error.message.entra_sign_in_failed":
    "La connexion à Microsoft n’a pas abouti.",
  "error.hint.entra_sign_in_failed":
    "Essayez de vous reconnecter. Si l’échec persiste, adressez-vous à votre administrateur Microsoft.",
  "error.message.graph_forbidden":
    "Microsoft Entra ID a refusé cette modification pour votre compte.",
  "error.hint.graph_forbidden":
    "Vérifiez que votre compte a le rôle Administrateur d’application ou Administrateur d’applications cloud, puis réessayez.",
  "error.message.graph_throttled":
    "Microsoft Entra ID demande à l’application de ralentir.",
  "error.hint.graph_throttled":
    "Patientez quelques minutes, puis réessayez.",
  "error.message.graph_unavailable":
    "Microsoft Entra ID est injoignable, ou a rencontré un problème.",
  "error.hint.graph_unavailable":
    "Vérifiez votre connexion internet et réessayez dans un instant. Rien n’a été perdu.",
  "error.message.graph_credentials_rejected":
    "Le test de connexion d’Entra a échoué\u00a0: Scaleway a refusé le jeton ou l’URL de base.",
  "error.hint.graph_credentials_rejected":
    "Revenez à l’étape 1 pour vérifier le jeton et l’URL de base, puis relancez le test.",
  "error.message.graph_replication_timeout":
    "La nouvelle application met plus de temps que d’habitude à apparaître dans Microsoft Entra ID.",
  "error.hint.graph_replication_timeout":
    "Patientez quelques minutes, puis réessayez\u00a0: l’application reprend là où elle s’était arrêtée et n’en créera pas une seconde.",
  "error.message.graph_outcome_unknown":
    "La connexion à Microsoft a été coupée pendant une création, et l’élément est introuvable.",
  "error.hint.graph_outcome_unknown":
    "Réessayez\u00a0: l’application vérifie d’abord ce qui existe et ne créera rien en double.",
  "error.message.graph_not_found":
    "Un élément dont dépend cette configuration n’existe plus dans Microsoft Entra ID.",
  "error.hint.graph_not_found":
    "Il a peut-être été supprimé en dehors de cette application. Revenez à l’étape Entra pour le recréer.",
  "error.message.graph_rejected":
    "Microsoft Entra ID a refusé la requête.",
  "error.hint.graph_rejected":
    "Corrigez ce qu’indiquent les détails, puis réessayez.",
  "error.message.graph_unexpected":
    "Microsoft Entra ID a répondu d’une manière inattendue.",
  "error.hint.graph_unexpected":
    "Réessayez. Si cela se reproduit, merci de le signaler.",
  "error.message.mappings_not_applied":
    "Les informations utilisateur envoyées à Scaleway n’ont pas pu être modifiées comme prévu.",
  "error.hint.mappings_not_applied":
    "Réessayez. Si l’échec persiste, merci de le signaler.",
  "error.message.principal_not_found":
    "Un utilisateur ou un groupe que vous avez choisi n’existe pas dans Microsoft Entra ID.",
  "error.hint.principal_not_found":
    "Vérifiez le nom, ou choisissez de nouveau la personne ou le groupe dans la liste.",
  "error.message.username_collision":
    "Deux personnes ou plus auraient le même nom d’utilisateur dans Scaleway\u00a0: l’une prendrait le compte de l’autre.",
  "error.hint.username_collision":
    "Gardez le domaine dans les noms d’utilisateur pour tout le monde (jane@contoso.com au lieu de jane), ou laissez de côté les personnes concernées.",
  "error.message.provisioning_quarantined":
    "Entra a suspendu l’approvisionnement vers Scaleway (quarantaine) après des erreurs répétées.",
  "error.hint.provisioning_quarantined":
    "Corrigez la cause indiquée dans les détails, puis relancez l’approvisionnement.",
  "error.message.provisioning_failed":
    "L’envoi de l’utilisateur de test à Scaleway a échoué.",
  "error.hint.provisioning_failed":
    "Corrigez la cause indiquée par Entra ou Scaleway dans les détails, puis réessayez.",
  "error.message.proof_user_not_found":
    "L’utilisateur de test n’est pas apparu dans Scaleway dans le délai prévu.",
  "error.hint.proof_user_not_found":
    "Cela peut prendre un moment. Vérifiez de nouveau dans quelques minutes.",
  "error.message.cancelled":
    "L’opération a été interrompue avant la fin.",
  "error.hint.cancelled":
    "Relancez-la\u00a0: l’application reprend là où elle s’était arrêtée.",
  "error.message.confirmation_required":
    "Cette modification nécessite votre confirmation explicite.",
  "error.hint.confirmation_required":
    "Confirmez-la quand on vous le demande, puis réessayez.",
  "error.message.scaleway_key_needed":
    "Cette action nécessite une clé d’API Scaleway, et l’application n’a reçu qu’un jeton SCIM.",
  "error.hint.scaleway_key_needed":
    "Faites-le dans la console Scaleway (Organization security → Automatic user provisioning), ou connectez-vous avec une clé d’API Scaleway du propriétaire de l’Organisation ou disposant de l’ensemble de permissions IAMManager.",

  "footer.version": "Version {version}",
  "said.you":
    "Vous",
  "said.tokenKept.keychain":
    "conservé dans votre trousseau",
  "said.tokenKept.memoryKeychainRefused":
    "gardé en mémoire\u00a0: votre trousseau l’a refusé",
  "said.tokenKept.memoryAsChosen":
    "non enregistré, comme vous l’avez choisi",
  "said.proof.seen":
    "Ça marche\u00a0: {upn} est dans Scaleway sous le nom «\u00a0{username}\u00a0»{how}.",
  "said.proof.seenCycleRunning":
    "Ça marche\u00a0: {upn} est dans Scaleway sous le nom «\u00a0{username}\u00a0»{how}. Le premier cycle d’approvisionnement est encore en cours.",
  "said.proof.stillThere":
    "Toujours en place\u00a0: {upn} est dans Scaleway sous le nom «\u00a0{username}\u00a0»{how}.",
  "said.proof.throughScim":
    " (vérifié par SCIM avec votre jeton)",
  "said.proof.noUserToCheck":
    "Aucun utilisateur n’est attribué directement\u00a0: aucun utilisateur test n’a pu être vérifié. L’approvisionnement est démarré\u00a0; attribuez un utilisateur pour le vérifier.",
  "said.group.arrived":
    "Le groupe «\u00a0{group}\u00a0» est dans Scaleway, avec «\u00a0{member}\u00a0» dedans.",
  "said.group.groupMissing":
    "Le groupe «\u00a0{group}\u00a0» n’est pas apparu dans Scaleway.",
  "said.group.memberMissing":
    "Le groupe «\u00a0{group}\u00a0» est dans Scaleway, mais «\u00a0{member}\u00a0» n’y est pas encore.",
  "said.group.noUserMembers":
    "Le groupe «\u00a0{group}\u00a0» ne contient directement aucun utilisateur\u00a0: rien n’a été approvisionné avec lui.",
  "said.group.onDemandFailed":
    "Entra n’a pas pu approvisionner le groupe «\u00a0{group}\u00a0»\u00a0: {message}",
  "said.undo.unassignUser":
    "Retirer l’attribution de l’utilisateur {name}.",
  "said.undo.unassignGroup":
    "Retirer l’attribution du groupe {name}.",
  "said.undo.restoreMappings":
    "Remettre les mappages d’attributs tels qu’ils étaient.",
  "said.undo.deleteJob":
    "Supprimer la tâche d’approvisionnement (l’approvisionnement s’arrête).",
  "said.undo.deleteApp":
    "Supprimer l’application d’entreprise «\u00a0{name}\u00a0» (restaurable pendant 30\u00a0jours depuis les applications supprimées d’Entra).",
  "said.undo.deleteToken":
    "Supprimer le jeton SCIM créé par l’assistant.",
  "said.undo.deleteRotationToken":
    "Supprimer le jeton du renouvellement inachevé.",
  "said.undo.disableScim":
    "Désactiver SCIM dans l’Organisation Scaleway (l’assistant l’avait activé).",
  "said.kept.provisionedUsers":
    "Les utilisateurs et groupes déjà approvisionnés dans Scaleway restent (comme lorsqu’une application Entra est supprimée)\u00a0: supprimez-les dans la console Scaleway si besoin.",
  "said.kept.assignedBefore":
    "{name} était attribué avant l’assistant\u00a0: conservé.",
  "said.kept.jobExistedBefore":
    "La tâche d’approvisionnement existait avant l’assistant\u00a0: conservée.",
  "said.kept.appExistedBefore":
    "L’application «\u00a0{name}\u00a0» existait avant l’assistant\u00a0: conservée.",
  "said.kept.savedCredentialsStay":
    "L’URL du locataire et le jeton enregistrés dans celle-ci restent (Entra ne peut pas rendre les précédents).",
  "said.kept.pastedToken":
    "Le jeton SCIM que vous avez collé reste dans Scaleway.",
  "said.kept.scimEnabledBefore":
    "SCIM était activé avant l’assistant\u00a0: il reste activé.",
  "said.kept.credentialsKept":
    "Votre clé Scaleway et votre connexion Microsoft restent dans votre trousseau, comme vous l’avez choisi. Oubliez-les dans les Réglages.",
  "said.kept.credentialsForgotten":
    "Votre clé Scaleway et votre connexion Microsoft sont oubliées avec la configuration.",
  "said.fix.askForRole":
    "Un Administrateur général ou un Administrateur de rôle privilégié peut vous attribuer le rôle Administrateur d’applications cloud (Administrateur d’applications convient aussi)\u00a0; reconnectez-vous ensuite.",
  "said.fix.grantConsentYourself":
    "Vous pouvez donner le consentement vous-même\u00a0: ouvrez le lien de consentement administrateur, acceptez, puis reconnectez-vous. Manquant\u00a0: {missing}.",
  "said.fix.askForConsent":
    "Un Administrateur d’applications (ou Administrateur d’applications cloud, ou Administrateur général) peut donner le consentement\u00a0: envoyez-lui le lien de consentement administrateur, puis reconnectez-vous. Manquant\u00a0: {missing}.",
  "said.progress.checkingPermissions":
    "Vérification de votre rôle et de vos autorisations Entra",
  "said.progress.permissionsOk":
    "{who} peut faire cette configuration, et les autorisations sont accordées.",
  "said.progress.permissionsOkRole":
    "{who} peut faire cette configuration ({role}), et les autorisations sont accordées.",
  "said.progress.checkingScim":
    "Vérification de SCIM dans votre Organisation Scaleway",
  "said.progress.checkingGivenToken":
    "Vérification du jeton SCIM avec son URL de base",
  "said.progress.scimEnabledNow":
    "SCIM activé dans votre Organisation Scaleway.",
  "said.progress.scimAlreadyEnabled":
    "SCIM était déjà activé dans votre Organisation Scaleway.",
  "said.progress.givenTokenWorks":
    "SCIM est activé dans votre Organisation Scaleway, et le jeton SCIM fonctionne avec son URL de base.",
  "said.progress.creatingToken":
    "Création du jeton SCIM",
  "said.progress.tokenCreated":
    "Jeton SCIM créé ({kept}).",
  "said.progress.tokenReused":
    "Utilisation du jeton SCIM créé plus tôt ({kept}).",
  "said.progress.usingGivenTokenKeychain":
    "Utilisation du jeton SCIM conservé dans votre trousseau.",
  "said.progress.usingGivenTokenMemory":
    "Utilisation du jeton SCIM (gardé seulement pendant que l’application tourne, comme vous l’avez choisi).",
  "said.progress.creatingApp":
    "Création de l’application d’entreprise «\u00a0{name}\u00a0»",
  "said.progress.appCreated":
    "Application d’entreprise «\u00a0{name}\u00a0» créée.",
  "said.progress.appReused":
    "L’application d’entreprise «\u00a0{name}\u00a0» existe déjà\u00a0: elle est utilisée.",
  "said.progress.appGoneCreatingAgain":
    "L’application créée plus tôt n’existe plus dans Entra\u00a0: nouvelle création.",
  "said.progress.appFoundByName":
    "Application «\u00a0{name}\u00a0» trouvée dans Entra\u00a0: elle est utilisée.",
  "said.progress.appCreationUnconfirmed":
    "Entra n’a pas confirmé la création\u00a0: recherche de l’application par son nom.",
  "said.progress.creatingJob":
    "Création de la tâche d’approvisionnement",
  "said.progress.jobCreated":
    "Tâche d’approvisionnement créée.",
  "said.progress.jobExists":
    "La tâche d’approvisionnement existe déjà.",
  "said.progress.jobGoneCreatingAgain":
    "La tâche d’approvisionnement créée plus tôt n’existe plus\u00a0: nouvelle création.",
  "said.progress.testingConnection":
    "Test de la connexion d’Entra à Scaleway",
  "said.progress.connectionTestedSaving":
    "Le test de connexion a réussi\u00a0: enregistrement de l’URL du locataire et du jeton dans Entra.",
  "said.progress.connectionSaved":
    "Entra a atteint Scaleway avec le jeton, et la connexion est enregistrée.",
  "said.progress.connectionSavedEarlier":
    "La connexion a été enregistrée plus tôt et fonctionne toujours.",
  "said.progress.readingMappings":
    "Lecture des mappages d’attributs",
  "said.progress.editingMappings":
    "Modification des mappages d’attributs",
  "said.progress.mappingsEdited":
    "Mappages d’attributs modifiés ({count}\u00a0modifications).",
  "said.progress.mappingsAlreadyRight":
    "Les mappages d’attributs sont conformes au guide de Scaleway.",
  "said.progress.noOneToAssign":
    "Aucun utilisateur ni groupe n’a été choisi\u00a0: attribuez-les plus tard dans l’assistant ou le centre d’administration Entra.",
  "said.progress.assigning":
    "Attribution des utilisateurs et groupes choisis",
  "said.progress.assignedAll":
    "{created}\u00a0utilisateur(s) ou groupe(s) attribué(s).",
  "said.progress.assignedNone":
    "Les {reused} étaient déjà attribués.",
  "said.progress.assignedSome":
    "{created} attribué(s)\u00a0; {reused} l’étaient déjà.",
  "said.progress.starting":
    "Démarrage de l’approvisionnement",
  "said.progress.started":
    "Approvisionnement démarré.",
  "said.progress.alreadyRunning":
    "L’approvisionnement tournait déjà.",
  "said.progress.checkingUserArrives":
    "Vérification qu’un utilisateur arrive dans Scaleway",
  "said.progress.proofTurnedOff":
    "La vérification finale a été désactivée.",
  "said.progress.provisioningOnDemand":
    "Approvisionnement à la demande de {upn}.",
  "said.progress.provisioningGroupOnDemand":
    "Approvisionnement à la demande du groupe «\u00a0{name}\u00a0», avec {members}\u00a0membre(s).",
  "said.progress.waitingForFirstCycle":
    "L’approvisionnement à la demande ne fonctionne pas avec l’option de compatibilité SCIM\u00a0: attente du premier cycle d’approvisionnement.",
  "said.progress.userSeenCycleRunning":
    "L’utilisateur est dans Scaleway\u00a0; attente de la fin du cycle d’approvisionnement.",
  "said.progress.waitingForUser":
    "Attente de l’arrivée de l’utilisateur dans Scaleway.",
  "said.progress.rollingBack":
    "Annulation de la configuration",
  "said.progress.rolledBack":
    "Annulé\u00a0: {removed}\u00a0élément(s) supprimé(s).",
  "said.progress.rotatingToken":
    "Renouvellement du jeton SCIM",
  "said.progress.newTokenGivenToEntra":
    "Nouveau jeton créé\u00a0: transmission à Entra.",
  "said.progress.tokenRotated":
    "Entra utilise maintenant le nouveau jeton, et l’ancien ({old}) est supprimé.",
  "said.progress.tokenRotatedOldKept":
    "Entra utilise maintenant le nouveau jeton. L’ancien n’a pas été créé par l’assistant\u00a0: supprimez-le dans la console Scaleway quand plus rien ne l’utilise.",
  "said.job.quarantined":
    "Entra a arrêté l’approvisionnement (quarantaine).",
  "said.job.steadyState":
    "L’approvisionnement tourne et a atteint son régime stable.",
  "said.job.running":
    "L’approvisionnement tourne.",
  "said.job.paused":
    "L’approvisionnement est en pause.",
  "said.job.firstCycleRunning":
    "L’approvisionnement est démarré\u00a0; son premier cycle n’est pas encore terminé.",
  "said.job.notStarted":
    "L’approvisionnement n’est pas démarré.",
  "said.quarantine.scalewayRefuses":
    "Entra a arrêté l’approvisionnement parce que Scaleway refusait ses requêtes (souvent une URL de locataire erronée, ou un jeton supprimé ou expiré).",
  "said.quarantine.tooManyDeletes":
    "Entra a arrêté l’approvisionnement parce qu’il allait supprimer trop d’utilisateurs à la fois.",
  "said.quarantine.tooManyFailures":
    "Entra a arrêté l’approvisionnement parce que trop d’utilisateurs n’ont pas pu être approvisionnés.",
  "said.quarantine.onRequest":
    "L’approvisionnement a été mis en quarantaine à la demande.",
  "said.quarantine.directoryReadInterrupted":
    "Entra a arrêté l’approvisionnement parce que la lecture de votre annuaire a été interrompue.",
  "said.quarantine.other":
    "Entra a arrêté l’approvisionnement (quarantaine).",
  "said.attention.tokenRefused":
    "Scaleway refuse le jeton SCIM qu’utilise Entra (il a été supprimé, ou il a expiré)\u00a0: l’approvisionnement est arrêté. Renouvelez le jeton.",
  "said.attention.tokenExpired":
    "Le jeton SCIM qu’utilise Entra a expiré, l’approvisionnement est donc arrêté. Renouvelez le jeton.",
  "said.attention.tokenExpiresSoon":
    "Le jeton SCIM qu’utilise Entra expire dans {days} jour(s). Renouvelez-le maintenant et l’approvisionnement continue.",
  "said.attention.scimDisabled":
    "SCIM est désactivé sur l’Organisation Scaleway\u00a0: lancez une nouvelle configuration pour le réactiver.",
  "said.attention.appMissing":
    "L’application d’entreprise de cette configuration a disparu d’Entra\u00a0: lancez une nouvelle configuration.",
  "said.attention.lastCycleFailed":
    "Le dernier cycle d’approvisionnement d’Entra a échoué. Vérifiez à nouveau pour voir si les personnes arrivent toujours dans Scaleway.",
  "said.failure.tokenRefused":
    "Scaleway a refusé le jeton SCIM\u00a0: renouvelez le jeton.",
  "said.failure.alreadyExists":
    "Scaleway a déjà ce nom d’utilisateur\u00a0: vérifiez que deux personnes n’obtiennent pas le même nom (gardez le domaine dans les noms si c’est le cas).",
  "said.failure.valueRefused":
    "Scaleway a refusé une information de cette personne\u00a0: corrigez-la dans Entra, le cycle suivant l’enverra de nouveau.",
  "said.failure.scalewayUnavailable":
    "Scaleway était injoignable ou en erreur\u00a0: Entra réessaie au cycle suivant.",
  "said.failure.notSupported":
    "Scaleway n’accepte pas ce qu’Entra a envoyé\u00a0: lancez une nouvelle configuration pour que les correspondances suivent le guide de Scaleway.",
  "said.failure.other":
    "Entra n’a pas pu approvisionner cette personne\u00a0: voyez le message d’Entra ci-dessous.",
  "said.needsKey.listTokens":
    "Sans clé API Scaleway, l’application ne peut pas lister vos jetons SCIM ni voir quand ils expirent (un jeton dure un an)\u00a0: vérifiez-les dans la console Scaleway (Sécurité de l’Organisation → Approvisionnement automatique des utilisateurs).",
  "said.needsKey.enableScim":
    "Activer SCIM nécessite une clé API Scaleway\u00a0: faites-le dans la console Scaleway (Sécurité de l’Organisation → Approvisionnement automatique des utilisateurs).",
  "said.needsKey.createToken":
    "Créer un jeton SCIM nécessite une clé API Scaleway\u00a0: créez-le dans la console Scaleway (Sécurité de l’Organisation → Approvisionnement automatique des utilisateurs).",
  "said.needsKey.deleteToken":
    "Un jeton SCIM reste valide dans Scaleway\u00a0: l’application n’a pas de clé API Scaleway pour le supprimer. Supprimez-le dans la console Scaleway (Sécurité de l’Organisation → Approvisionnement automatique des utilisateurs) si plus rien ne l’utilise.",
  "said.needsKey.disableScim":
    "SCIM reste activé dans l’Organisation Scaleway\u00a0: l’application n’a pas de clé API Scaleway pour le désactiver. Désactivez-le dans la console Scaleway (Sécurité de l’Organisation → Approvisionnement automatique des utilisateurs) si vous n’en avez plus besoin.",
};
