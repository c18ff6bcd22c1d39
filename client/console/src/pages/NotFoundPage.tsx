import { Button, Result } from "antd";
import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title="页面不存在"
      extra={
        <Link to="/accounts">
          <Button type="primary">返回账户查询</Button>
        </Link>
      }
    />
  );
}
