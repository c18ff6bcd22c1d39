import {
  ArrowLeftOutlined,
  EditOutlined,
  EyeOutlined,
  PayCircleOutlined,
  SwapOutlined,
  TagsOutlined,
} from "@ant-design/icons";
import { ACCOUNT_UPKEEP_ROLES, PII_FIELDS, type RevealResult, mayReveal } from "@warmline/shared";
import { App, Button, Card, Result, Skeleton, Space } from "antd";
import { useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router";
import { isApiError } from "../api/api";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { AccountDescriptions } from "../components/AccountDescriptions";
import { AccountEditModal, AccountTransferModal } from "../components/AccountEditModals";
import { AccountHeatingCard } from "../components/AccountHeatingCard";
import { AccountMoneyTabs } from "../components/AccountMoneyTabs";
import { HardshipFlagsModal } from "../components/HardshipFlagsModal";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { RevealModal } from "../components/RevealModal";
import { DESKS } from "../layout/desks";
import { useAccount } from "../queries/accounts";

export function AccountDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = App.useApp();
  const { staff } = useAuth();
  const account = useAccount(id);
  const [revealOpen, setRevealOpen] = useState(false);
  const [editing, setEditing] = useState<"edit" | "transfer" | "hardship" | null>(null);
  const mayEdit = hasAnyRole(staff?.roles, ACCOUNT_UPKEEP_ROLES);
  // Unmasked values live only while this page is open.
  const [revealed, setRevealed] = useState<RevealResult>({});

  const allowed = PII_FIELDS.filter((f) => mayReveal(staff?.roles ?? [], f));
  const back = (
    <Button
      icon={<ArrowLeftOutlined />}
      onClick={() => (location.key === "default" ? navigate("/accounts") : navigate(-1))}
    >
      返回
    </Button>
  );

  const notFound = !Number.isInteger(id) || id <= 0 || (isApiError(account.error) && account.error.status === 404);
  if (notFound) {
    return (
      <div className="account-detail">
        <Result status="404" title="供热账户不存在" subTitle="请确认户号后重新查询。" extra={back} />
      </div>
    );
  }

  return (
    <div className="account-detail">
      <Card
        title={account.data ? `账户详情 · ${account.data.accountNo}` : "账户详情"}
        extra={
          <Space>
            {hasAnyRole(staff?.roles, DESKS.cashier.roles) && account.data && (
              <Button icon={<PayCircleOutlined />} onClick={() => navigate(`${DESKS.cashier.path}?account=${id}`)}>
                收费
              </Button>
            )}
            {mayEdit && account.data && (
              <>
                <Button icon={<EditOutlined />} onClick={() => setEditing("edit")}>
                  修改信息
                </Button>
                <Button icon={<SwapOutlined />} onClick={() => setEditing("transfer")}>
                  过户
                </Button>
                <Button icon={<TagsOutlined />} onClick={() => setEditing("hardship")}>
                  困难类别/特殊群体
                </Button>
              </>
            )}
            {allowed.length > 0 && account.data && (
              <Button type="primary" ghost icon={<EyeOutlined />} onClick={() => setRevealOpen(true)}>
                查看完整信息
              </Button>
            )}
            {back}
          </Space>
        }
      >
        {account.isError && <QueryErrorAlert error={account.error} onRetry={() => void account.refetch()} />}
        {account.isPending && <Skeleton active paragraph={{ rows: 8 }} />}
        {account.data && <AccountDescriptions account={account.data} revealed={revealed} />}
      </Card>
      {account.data && <AccountMoneyTabs accountId={id} />}
      {account.data && <AccountHeatingCard accountId={id} />}
      {mayEdit && account.data && (
        <>
          <AccountEditModal
            account={account.data}
            open={editing === "edit"}
            onClose={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              message.success("账户信息已修改，已记入审计日志");
            }}
          />
          <HardshipFlagsModal
            account={account.data}
            open={editing === "hardship"}
            onClose={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              message.success("困难类别与特殊群体已保存，已记入审计日志");
            }}
          />
          <AccountTransferModal
            account={account.data}
            open={editing === "transfer"}
            onClose={() => setEditing(null)}
            onDone={(n) => {
              setEditing(null);
              setRevealed({});
              message.success(`过户完成，已解除原户主的 ${n} 个绑定`);
            }}
          />
        </>
      )}
      {allowed.length > 0 && (
        <RevealModal
          accountId={id}
          open={revealOpen}
          fields={allowed}
          onClose={() => setRevealOpen(false)}
          onRevealed={(r) => {
            setRevealed((prev) => ({ ...prev, ...r }));
            setRevealOpen(false);
            message.success("已显示完整信息，本次查看已记入审计日志");
          }}
        />
      )}
    </div>
  );
}
