
// SAFETY: Pointer guaranteed valid by caller
unsafe { *ptr }
