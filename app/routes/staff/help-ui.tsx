// Pieces shared by the staff help-centre pages (not a route: routes.ts does not list it).
import { Link } from "react-router";

/** An article language's own name. */
export function languageName(locale: string) {
  return locale === "zh-CN" ? "简体中文" : "English";
}

/** An article's title linking to its editor, marked with the article's language. */
export function ArticleLink({ article }: { article: { id: string; locale: string; title: string } }) {
  return (
    <Link to={`/staff/help/${article.id}`} lang={article.locale}>
      {article.title}
    </Link>
  );
}
