import { encodeAllParameters, executeHttpRequest, type HttpResponse } from '@sap-cloud-sdk/http-client';
import type { SapConfig } from './config';
import { toSapError } from './classify';
import type { SapErrorContext } from './errors';

export interface SapHttpRequest {
  method: 'get' | 'post';
  /** Path under the destination's URL, without query. */
  path: string;
  /** Query parameters (sap-client is added). Passed as parameters, not in the path, because the
   *  SDK's CSRF fetch appends a slash to the path and drops the parameters. */
  params?: Record<string, string>;
  data?: string;
  headers?: Record<string, string>;
  fetchCsrfToken: boolean;
  /** The caller's own cancellation (e.g. shutdown), on top of the configured deadline. */
  signal?: AbortSignal;
}

/**
 * One call to SAP through the configured destination: the SDK resolves it (from `destinations`
 * locally, from the destination service on BTP, with basic or OAuth authentication as the
 * destination says), adds `sap-client`, fetches a CSRF token when asked, and the configured
 * deadline covers the token fetch too. Every failure comes out as a classified SapError.
 */
export async function sapHttp(config: SapConfig, request: SapHttpRequest, context: Omit<SapErrorContext, 'destinationName'>): Promise<HttpResponse> {
  const deadline = AbortSignal.timeout(config.timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  try {
    return await executeHttpRequest(
      { destinationName: config.destinationName },
      {
        method: request.method,
        url: request.path,
        params: { 'sap-client': config.client, ...request.params },
        // The SDK leaves parameters given here unencoded unless told; $filter has spaces and quotes.
        parameterEncoder: encodeAllParameters,
        data: request.data,
        headers: request.headers,
        signal,
        // A redirect from SAP is a logon page, never the answer: do not follow it into a false 200.
        maxRedirects: 0,
      },
      { fetchCsrfToken: request.fetchCsrfToken },
    );
  } catch (error) {
    throw toSapError(error, { ...context, destinationName: config.destinationName });
  }
}
