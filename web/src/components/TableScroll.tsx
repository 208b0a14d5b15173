import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

/**
 * A table's sideways scroller. From tablet portrait (768 px) up the tables fit; narrower (a
 * phone) one may not, and then a hint says so above it and shadows mark the hidden side.
 */
export function TableScroll({ children }: { children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [wide, setWide] = useState(false);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const check = () => setWide(element.scrollWidth > element.clientWidth + 1);
    const observer = new ResizeObserver(check);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    check();
    return () => observer.disconnect();
  }, []);
  return (
    <>
      {wide && (
        <p class="scroll-hint" aria-hidden="true">
          Scroll sideways for more columns →
        </p>
      )}
      <div ref={box} class="table-scroll">
        {children}
      </div>
    </>
  );
}
