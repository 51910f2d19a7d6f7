import { forwardRef, useId, type MouseEvent } from 'react';

export interface SummaryItem {
  message: string;
  /** The id of the input the message is about; the item becomes a link that moves focus there. */
  fieldId?: string;
}

export interface ErrorSummaryProps {
  items: SummaryItem[];
  title?: string;
}

/**
 * The list of what went wrong, at the top of a form. It takes focus when shown (the form does
 * that through the ref) so keyboard and screen-reader users hear it first.
 */
export const ErrorSummary = forwardRef<HTMLDivElement, ErrorSummaryProps>(function ErrorSummary(
  { items, title = 'There is a problem' },
  ref,
) {
  const titleId = useId();
  if (items.length === 0) return null;
  const focusField = (event: MouseEvent<HTMLAnchorElement>, fieldId: string) => {
    const field = document.getElementById(fieldId);
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: 'center' });
  };
  return (
    <div className="error-summary" ref={ref} tabIndex={-1} role="alert" aria-labelledby={titleId}>
      <h2 className="error-summary__title" id={titleId}>
        {title}
      </h2>
      <ul className="error-summary__list">
        {items.map((item, index) => (
          <li key={`${item.fieldId ?? 'form'}-${index}`}>
            {item.fieldId ? (
              <a href={`#${item.fieldId}`} onClick={(event) => focusField(event, item.fieldId as string)}>
                {item.message}
              </a>
            ) : (
              item.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
});
