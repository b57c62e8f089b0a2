class Dynamic
  def execute(code)
    # Missing METAPROGRAMMING comment - should fail
    eval(code)
  end
end
