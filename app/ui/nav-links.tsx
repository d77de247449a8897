"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const path = usePathname();
  return (
    <ul>
      {items.map((i) => {
        const active = i.href === "/" ? path === "/" : path === i.href || path.startsWith(`${i.href}/`);
        return (
          <li key={i.href}>
            <Link href={i.href} aria-current={active ? "page" : undefined}>
              {i.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
