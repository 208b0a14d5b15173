export interface ScratchFolder {
  folder: string;
  around<T>(make: () => T): T;
  remove(): Promise<void>;
}
export function scratchFolder(prefix: string): ScratchFolder;
