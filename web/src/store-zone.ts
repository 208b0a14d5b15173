import { createContext } from "preact";

/** The time zone of the store a view shows (StoreView provides it), for times in its errors (ErrorNote). */
export const StoreTimeZone = createContext<string | undefined>(undefined);
