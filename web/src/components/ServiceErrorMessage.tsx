import type { ServiceError } from "../services/marketplaceService";
import type { Strings } from "../i18n/strings";

/** What a seller reads for a failed call: the retry delay when the server gave one. */
export function errorText(error: ServiceError<string>, t: Strings): string {
  if (error.kind === "problem") {
    if (error.status === 401) return t.sessionExpired;
    if (error.retryAfterSeconds !== null) return t.retryIn(error.retryAfterSeconds);
    if (error.retryable) return t.unavailable;
    return t.failed(error.requestId);
  }
  return error.retryable ? t.unavailable : t.failed("");
}

export function ServiceErrorMessage({ error, t, onRetry }: { error: ServiceError<string>; t: Strings; onRetry?: () => void }) {
  return (
    <div role="alert" className="veza-error">
      <p>{errorText(error, t)}</p>
      {error.retryable && onRetry ? (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      ) : null}
    </div>
  );
}
