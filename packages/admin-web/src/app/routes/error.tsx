import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { PlainLayout } from '../../components/layouts/plain-layout';
import { Button } from '../../components/ui/button';
import { useDocumentTitle } from '../../lib/use-document-title';

/** Shown when a page could not be loaded at all (for example, a new version was deployed). */
export function ErrorPage({ reset }: ErrorComponentProps) {
  useDocumentTitle('Something went wrong');
  const router = useRouter();
  return (
    <PlainLayout>
      <h1>Something went wrong</h1>
      <p>This page could not be shown. Please try again. If it keeps happening, reload the page.</p>
      <Button
        onPress={() => {
          reset();
          void router.invalidate();
        }}
      >
        Try again
      </Button>
    </PlainLayout>
  );
}
