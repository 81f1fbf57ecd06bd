import { isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import { SiteHeader } from "#app/components/nav.tsx";
import { VerifyBanner } from "#app/components/verify-banner.tsx";
import { translator } from "#app/i18n/index.ts";
import type { RootData } from "#app/lib/i18n.ts";
import "./styles.css";

export function loader({ context }: Route.LoaderArgs): RootData {
  return { locale: context.ctx.locale, user: context.ctx.session?.user ?? null };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRouteLoaderData("root") as RootData | undefined;
  const locale = root?.locale ?? "en";
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export function meta() {
  return [{ title: "Rapport" }];
}

export default function App() {
  return (
    <>
      <SiteHeader />
      <VerifyBanner />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <Footer />
    </>
  );
}

function Footer() {
  const root = useRouteLoaderData("root") as RootData | undefined;
  const t = translator(root?.locale ?? "en");
  return <footer className="site-footer">{t("common.footer")}</footer>;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData("root") as RootData | undefined;
  const t = translator(root?.locale ?? "en");
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const forbidden = isRouteErrorResponse(error) && error.status === 403;
  return (
    <main id="main" className="narrow">
      <h1>{notFound ? t("common.notFoundTitle") : forbidden ? t("errors.forbidden") : t("common.errorTitle")}</h1>
      <p>{notFound ? t("common.notFoundBody") : forbidden ? "" : t("common.errorBody")}</p>
      <p>
        <Link to="/">{t("common.backHome")}</Link>
      </p>
    </main>
  );
}
