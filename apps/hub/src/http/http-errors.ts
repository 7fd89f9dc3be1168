// The API's error format is shared with the adapters' caseworker APIs.
export { ApiErrorFilter, apiException, validationPipe, type ApiError, type ErrorCode } from '@hub/http';
