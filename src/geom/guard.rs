//! Geometry libraries can panic on input they did not expect (i_overlay on NaN, earcut on an empty
//! ring). User data reaches them, so every such call goes through [`no_panic`]: a panic inside a
//! dependency becomes an error message, never the end of the program.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into `Err` with the panic's message.
pub fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // The closures only compute a fresh value from borrowed input, so nothing is left half-changed.
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        format!("几何计算失败 (geometry operation failed): {message}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        assert_eq!(no_panic(|| 2 + 2), Ok(4));
        let e = no_panic(|| -> i32 { panic!("boom") }).unwrap_err();
        assert!(e.contains("boom"), "{e}");
    }
}
