import { useMutation } from "@tanstack/react-query";
import { App } from "antd";
import { useCallback } from "react";
import { messageOf } from "../api/api";
import { fileUrl } from "../api/files";
import type { FileLink } from "../api/invoices";

/**
 * Opens a PDF (invoice or receipt) in a new tab: asks the server for a short-lived link, then opens it.
 * A refusal is shown as a message; a blocked pop-up gets a link to click instead.
 */
export function useOpenFile() {
  const { message, modal } = App.useApp();
  const link = useMutation({ mutationFn: (get: () => Promise<FileLink>) => get() });
  const { mutateAsync } = link;

  const open = useCallback(
    async (get: () => Promise<FileLink>) => {
      let href: string;
      try {
        href = fileUrl((await mutateAsync(get)).url);
      } catch (e) {
        message.error(messageOf(e));
        return;
      }
      const tab = window.open(href, "_blank");
      if (tab) {
        tab.opener = null;
        return;
      }
      modal.info({
        title: "浏览器拦截了新窗口",
        content: (
          <a href={href} target="_blank" rel="noopener noreferrer">
            点此打开 PDF
          </a>
        ),
        okText: "关闭",
      });
    },
    [mutateAsync, message, modal],
  );

  return { open, pending: link.isPending };
}
