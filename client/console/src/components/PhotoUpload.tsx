import { PlusOutlined } from "@ant-design/icons";
import { UPLOAD_LIMITS } from "@warmline/shared";
import { App, type FormRule, Upload, type UploadFile } from "antd";
import { messageOf } from "../api/api";
import { fileUrl } from "../api/files";
import { type PhotoView, uploadPhoto } from "../api/tickets";

interface Props {
  id?: string;
  /** set by Form.Item (valuePropName="fileList") */
  fileList?: UploadFile<PhotoView>[];
  onChange?: (files: UploadFile<PhotoView>[]) => void;
}

const ACCEPT = UPLOAD_LIMITS.types.join(",");

/** A Form.Item's value from the Upload's change event. */
export const photoFilesOf = (e: { fileList: UploadFile<PhotoView>[] } | UploadFile<PhotoView>[]) =>
  Array.isArray(e) ? e : e.fileList;

/** The ids of the photos stored so far (the server links them to the ticket or measurement). */
export function photoIdsOf(files: UploadFile<PhotoView>[] | undefined): number[] | undefined {
  const ids = (files ?? []).filter((f) => f.status === "done" && f.response).map((f) => (f.response as PhotoView).id);
  return ids.length > 0 ? ids : undefined;
}

/** Submitting waits until every photo is stored, and refuses while one failed. */
export const photosRule: FormRule = {
  validator: async (_r, files: UploadFile<PhotoView>[] | undefined) => {
    if (files?.some((f) => f.status === "uploading")) throw new Error("照片上传中，请稍候");
    if (files?.some((f) => f.status === "error")) throw new Error("有照片上传失败，请删除后重新上传");
  },
};

/**
 * 现场照片: each picture is stored at once (POST /staff/photos, multipart field "file"); JPG/PNG/WebP up to
 * 5 MB, at most 9. Use inside <Form.Item valuePropName="fileList" getValueFromEvent={photoFilesOf}>.
 */
export function PhotoUpload({ id, fileList, onChange }: Props) {
  const { message } = App.useApp();
  return (
    <Upload<PhotoView>
      id={id}
      listType="picture-card"
      accept={ACCEPT}
      multiple
      maxCount={UPLOAD_LIMITS.maxPhotosPerTicket}
      fileList={fileList ?? []}
      onChange={({ fileList: next }) =>
        // a stored photo is shown from its signed link
        onChange?.(
          next.map((f) => (f.status === "done" && f.response && !f.url ? { ...f, url: fileUrl(f.response.url) } : f)),
        )
      }
      beforeUpload={(file) => {
        if (!(UPLOAD_LIMITS.types as readonly string[]).includes(file.type)) {
          message.error("只能上传JPG、PNG或WebP格式的照片");
          return Upload.LIST_IGNORE;
        }
        if (file.size > UPLOAD_LIMITS.maxBytes) {
          message.error("照片不能超过5MB");
          return Upload.LIST_IGNORE;
        }
        return true;
      }}
      customRequest={({ file, onSuccess, onError }) => {
        uploadPhoto(file as File).then(
          (photo) => onSuccess?.(photo),
          (e: unknown) => {
            message.error(messageOf(e));
            onError?.(e instanceof Error ? e : new Error(messageOf(e)));
          },
        );
      }}
    >
      {(fileList?.length ?? 0) >= UPLOAD_LIMITS.maxPhotosPerTicket ? null : (
        <button type="button" style={{ border: 0, background: "none", cursor: "pointer" }}>
          <PlusOutlined />
          <div style={{ marginTop: 8 }}>上传照片</div>
        </button>
      )}
    </Upload>
  );
}
