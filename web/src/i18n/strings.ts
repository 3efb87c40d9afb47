// Every string the kit shows, in English and French (the product's users are French-speaking).
// Components take a `locale` and read their strings from here only.
import type { LandingErrorCode, PayoutItem } from "../services/marketplaceService";

export type Locale = "en" | "fr";

export interface Strings {
  balanceTitle: string;
  loading: string;
  available: string;
  pending: string;
  nothing: string;
  notStarted: string;
  setUpPayouts: string;
  continueSetup: string;
  openDashboard: string;
  redirecting: string;
  pendingStatus: string;
  restrictedStatus: string;
  requirements: (count: number) => string;
  complete: string;
  staleAsOf: (when: string, age: string) => string;
  asOf: (when: string) => string;
  retryIn: (seconds: number) => string;
  retry: string;
  unavailable: string;
  sessionExpired: string;
  failed: (requestId: string) => string;
  landing: { complete: string; pending: string; restricted: string };
  landingError: Record<LandingErrorCode | "unknown", string>;
  dashboardTitle: string;
  age: (seconds: number) => string;
  historyTitle: string;
  loadingHistory: string;
  noSales: string;
  showMore: string;
  historyColumns: { order: string; date: string; state: string; net: string; received: string };
  payoutState: Record<PayoutItem["state"], string>;
}

const en: Strings = {
  balanceTitle: "Your balance",
  loading: "Loading your balance…",
  available: "Available",
  pending: "Pending",
  nothing: "Nothing yet",
  notStarted: "Set up payouts to get paid for your sales.",
  setUpPayouts: "Set up payouts",
  continueSetup: "Continue setup",
  openDashboard: "Open Stripe dashboard",
  redirecting: "Opening Stripe…",
  pendingStatus: "Your payout setup is not finished.",
  restrictedStatus: "Stripe needs more information before paying you.",
  requirements: (n) => (n === 1 ? "1 detail left to provide" : `${n} details left to provide`),
  complete: "Payouts are set up.",
  staleAsOf: (when, age) => `Stripe is not answering: balance as of ${when} (${age} ago).`,
  asOf: (when) => `As of ${when}`,
  retryIn: (s) => `The payment service is busy. Try again in ${s} s.`,
  retry: "Try again",
  unavailable: "The payment service is unavailable. Try again in a moment.",
  sessionExpired: "Your session has expired. Sign in again.",
  failed: (id) => `Something went wrong${id ? ` (reference ${id})` : ""}.`,
  landing: {
    complete: "Your payouts are set up. Welcome aboard!",
    pending: "Stripe is still reviewing your details.",
    restricted: "Stripe needs more information: continue your setup.",
  },
  landingError: {
    state_invalid: "This setup link is not valid. Start again below.",
    state_expired: "This setup link has expired. Start again below.",
    state_used: "This setup link was already used. Start again below.",
    mode_invalid: "This setup link is not valid. Start again below.",
    seller_account_not_found: "We could not find your payout account. Start again below.",
    upstream_unavailable: "Stripe is unavailable right now. Try again in a moment.",
    rate_limited: "Too many attempts. Try again in a moment.",
    internal: "Something went wrong on our side. Try again below.",
    unknown: "Payout setup did not finish. Try again below.",
  },
  dashboardTitle: "Payouts",
  age: (s) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`),
  historyTitle: "Your sales",
  loadingHistory: "Loading your sales…",
  noSales: "No sales yet.",
  showMore: "Show more",
  historyColumns: { order: "Order", date: "Date", state: "Status", net: "Your share", received: "Received" },
  payoutState: {
    held: "On hold until payouts are set up",
    pending: "Being paid",
    paid: "Paid",
    void: "Refunded before payment",
    reversed: "Refunded",
    partially_reversed: "Partly refunded",
    disputed: "Disputed by the buyer",
  },
};

const fr: Strings = {
  balanceTitle: "Votre solde",
  loading: "Chargement de votre solde…",
  available: "Disponible",
  pending: "En attente",
  nothing: "Rien pour l’instant",
  notStarted: "Configurez les paiements pour être payé de vos ventes.",
  setUpPayouts: "Configurer les paiements",
  continueSetup: "Reprendre la configuration",
  openDashboard: "Ouvrir le tableau de bord Stripe",
  redirecting: "Ouverture de Stripe…",
  pendingStatus: "La configuration de vos paiements n’est pas terminée.",
  restrictedStatus: "Stripe a besoin d’informations supplémentaires avant de vous payer.",
  requirements: (n) => (n === 1 ? "1 information à fournir" : `${n} informations à fournir`),
  complete: "Les paiements sont configurés.",
  staleAsOf: (when, age) => `Stripe ne répond pas : solde au ${when} (il y a ${age}).`,
  asOf: (when) => `Au ${when}`,
  retryIn: (s) => `Le service de paiement est occupé. Réessayez dans ${s} s.`,
  retry: "Réessayer",
  unavailable: "Le service de paiement est indisponible. Réessayez dans un instant.",
  sessionExpired: "Votre session a expiré. Reconnectez-vous.",
  failed: (id) => `Une erreur est survenue${id ? ` (référence ${id})` : ""}.`,
  landing: {
    complete: "Vos paiements sont configurés. Bienvenue !",
    pending: "Stripe vérifie encore vos informations.",
    restricted: "Stripe a besoin d’informations supplémentaires : reprenez la configuration.",
  },
  landingError: {
    state_invalid: "Ce lien de configuration n’est pas valide. Recommencez ci-dessous.",
    state_expired: "Ce lien de configuration a expiré. Recommencez ci-dessous.",
    state_used: "Ce lien de configuration a déjà servi. Recommencez ci-dessous.",
    mode_invalid: "Ce lien de configuration n’est pas valide. Recommencez ci-dessous.",
    seller_account_not_found: "Votre compte de paiement est introuvable. Recommencez ci-dessous.",
    upstream_unavailable: "Stripe est indisponible pour le moment. Réessayez dans un instant.",
    rate_limited: "Trop de tentatives. Réessayez dans un instant.",
    internal: "Une erreur est survenue de notre côté. Réessayez ci-dessous.",
    unknown: "La configuration des paiements n’a pas abouti. Réessayez ci-dessous.",
  },
  dashboardTitle: "Paiements",
  age: (s) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`),
  historyTitle: "Vos ventes",
  loadingHistory: "Chargement de vos ventes…",
  noSales: "Aucune vente pour l’instant.",
  showMore: "Afficher plus",
  historyColumns: { order: "Commande", date: "Date", state: "Statut", net: "Votre part", received: "Reçu" },
  payoutState: {
    held: "En attente de la configuration des paiements",
    pending: "Paiement en cours",
    paid: "Payé",
    void: "Remboursé avant paiement",
    reversed: "Remboursé",
    partially_reversed: "Partiellement remboursé",
    disputed: "Contesté par l’acheteur",
  },
};

export const strings: Record<Locale, Strings> = { en, fr };

/** Amount in minor units → localized currency text, with the currency's own minor digits. */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** Unix seconds → localized date and time. */
export function formatTime(unixSeconds: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
    new Date(unixSeconds * 1000),
  );
}
