import { HARDSHIP_ATTACHMENT_LIMITS, type HardshipAttachmentView } from "@warmline/shared";
import type { CertificatePick, PickedCertificate, PlatformCertificates } from "./certificates";
import { CERTIFICATE_FIELD, CERTIFICATES_PATH, certificateFromBody, checkCertificate } from "./certificateFiles";
import { apiBase } from "./config";
import { networkError } from "./errors";
import { type RawResponse, withSession } from "./request";
import { parseJsonText } from "./upload";

/** The hidden file input's id: browser tests set files on it while it is open. */
export const CERTIFICATE_INPUT_ID = "hardshipCertificateInput";

/** H5: the browser's file dialog (photos and PDF), through a hidden <input type=file> added for the occasion. */
function pickFiles(max: number): Promise<CertificatePick> {
  if (max <= 0) return Promise.resolve({ kind: "cancelled" });
  document.getElementById(CERTIFICATE_INPUT_ID)?.remove();
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.id = CERTIFICATE_INPUT_ID;
    input.accept = HARDSHIP_ATTACHMENT_LIMITS.types.join(",");
    input.multiple = max > 1;
    input.style.display = "none";
    const finish = (outcome: CertificatePick) => {
      input.remove();
      resolve(outcome);
    };
    input.addEventListener("change", () => {
      const files = Array.from(input.files ?? []).slice(0, max);
      if (!files.length) {
        finish({ kind: "cancelled" });
        return;
      }
      finish({
        kind: "picked",
        files: files.map((file): PickedCertificate => {
          const pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
          return {
            preview: pdf ? "" : URL.createObjectURL(file),
            size: file.size,
            type: file.type || undefined,
            file,
            name: file.name,
            pdf,
          };
        }),
      });
    });
    input.addEventListener("cancel", () => finish({ kind: "cancelled" }));
    document.body.appendChild(input);
    input.click();
  });
}

async function sendForm(picked: PickedCertificate, accessToken: string | undefined): Promise<RawResponse> {
  const form = new FormData();
  form.append(
    CERTIFICATE_FIELD,
    picked.file as Blob,
    picked.name ?? (picked.pdf ? "certificate.pdf" : "certificate.jpg"),
  );
  const headers: Record<string, string> = { Accept: "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let res: Response;
  try {
    res = await fetch(`${apiBase}${CERTIFICATES_PATH}`, { method: "POST", headers, body: form });
  } catch (err) {
    throw networkError(err);
  }
  const text = await res.text().catch(() => "");
  return { status: res.status, data: parseJsonText(text) };
}

async function upload(picked: PickedCertificate): Promise<HardshipAttachmentView> {
  const refused = checkCertificate(picked);
  if (refused) throw refused;
  if (!picked.file) throw new Error("no file to upload");
  return certificateFromBody(await withSession<unknown>((token) => sendForm(picked, token)));
}

export const platformCertificates: PlatformCertificates = {
  pick: pickFiles,
  upload,
  release(picked) {
    if (picked.preview.startsWith("blob:")) URL.revokeObjectURL(picked.preview);
  },
};
