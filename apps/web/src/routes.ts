import type { ComponentType } from 'react';
import type { StaffRole } from '@contracts/codes';

/** A page of the UI: its path (with `:params`), who may open it, and, when it belongs in the menu, its label. */
export interface RouteDefinition {
  path: string;
  roles: readonly StaffRole[];
  component: ComponentType<{ params: Record<string, string> }>;
  /** shown in the main menu when set */
  menu?: string;
}
