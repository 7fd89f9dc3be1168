// The API's error format is shared with the adapters' caseworker APIs.
export { ApiErrorFilter, validationPipe, type ApiError } from '@hub/http';
