import { ReviewQueue } from '../../features/declarations/components/review-queue';
import { useDocumentTitle } from '../../lib/use-document-title';

export function ReviewsPage() {
  useDocumentTitle('Reviews');
  return (
    <>
      <h1>Reviews</h1>
      <p className="lead">
        These people answered “not sure”, or said the offence is not about images. Talk it through with them, then
        record whether they are eligible.
      </p>
      <ReviewQueue />
    </>
  );
}
