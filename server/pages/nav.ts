import type { AuthUser } from '../auth/user';
import { hasRole, type Role } from '../auth/user';

export interface NavItem {
  href: string;
  /** Catalogue key of the link text. */
  key: string;
  /** Shown only to users with this role. */
  role?: Role;
}

/** The site navigation. */
export const NAV: NavItem[] = [
  { href: '/', key: 'nav.dashboard' },
  { href: '/import', key: 'nav.import', role: 'editor' },
  { href: '/account/tokens', key: 'nav.tokens', role: 'viewer' },
];

export const navFor = (user: AuthUser | undefined) => NAV.filter((n) => !n.role || hasRole(user, n.role));
