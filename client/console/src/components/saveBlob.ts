/** Saves a fetched file under a name (via an object URL and a download link), then frees the URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the download has started by now; give slow browsers a moment before the URL goes away
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
