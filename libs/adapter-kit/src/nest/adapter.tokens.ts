export const ADAPTER_DEFINITION = Symbol('ADAPTER_DEFINITION');
export const ADAPTER_CONFIG = Symbol('ADAPTER_CONFIG');
export const ADAPTER_POOL = Symbol('ADAPTER_POOL');
