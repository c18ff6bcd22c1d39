import { Alert, Modal, Typography } from "antd";

interface Props {
  /** the account's user name and display name, and the generated password (null: closed) */
  shown: { username: string; displayName: string; password: string } | null;
  onClose: () => void;
}

/** The generated temporary password, shown this once: the admin hands it over, the user must change it. */
export function TemporaryPasswordModal({ shown, onClose }: Props) {
  return (
    <Modal
      open={shown !== null}
      title="临时密码"
      onCancel={onClose}
      onOk={onClose}
      okText="我已记下"
      cancelButtonProps={{ style: { display: "none" } }}
      mask={{ closable: false }}
      destroyOnHidden
    >
      {shown && (
        <>
          <Typography.Paragraph>
            {shown.displayName}（{shown.username}）的临时密码：
          </Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text code copyable className="temporary-password" style={{ fontSize: 20 }}>
              {shown.password}
            </Typography.Text>
          </Typography.Paragraph>
          <Alert
            type="warning"
            showIcon
            title="此密码只显示这一次，请当面或通过安全方式告知本人。本人首次登录时须修改密码。"
          />
        </>
      )}
    </Modal>
  );
}
