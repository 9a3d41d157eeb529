import type { AuthUser } from '../auth/user';
import { hasRole, type Role } from '../auth/user';

export interface NavItem {
  href: string;
  /** Catalogue key of the link text. */
  key: string;
  /** Shown only to users with this role. */
  role?: Role;
}

/**
 * The site navigation. The import page arrives with the CSV work: add
 *   { href: '/import', key: 'nav.import', role: 'editor' }
 * here (and `nav.import` to the catalogue); nothing else needs to change.
 */
export const NAV: NavItem[] = [{ href: '/', key: 'nav.dashboard' }];

export const navFor = (user: AuthUser | undefined) => NAV.filter((n) => !n.role || hasRole(user, n.role));
