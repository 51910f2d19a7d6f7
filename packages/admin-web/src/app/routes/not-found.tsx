import { Link } from '@tanstack/react-router';
import { PlainLayout } from '../../components/layouts/plain-layout';
import { useSession } from '../../lib/session';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  const session = useSession();
  return (
    <PlainLayout>
      <h1>Page not found</h1>
      <p>If you typed the web address, check it is correct. If you followed a link, the page may have moved.</p>
      <p>
        {session.status === 'signed-in' ? (
          <Link to="/courses">Go to courses</Link>
        ) : (
          <Link to="/sign-in">Go to sign in</Link>
        )}
      </p>
    </PlainLayout>
  );
}
