// Analytics procedures. Every procedure declares its policy (see ../procedures.ts).
import { router } from "../init.ts";

export const analyticsRouter = router({
});
